"""Helpers for the NOTIFY listener's integration test and benchmark
(test/it_notify_named.py, test/bench/notify_bench.py): the tool_notify
driver in the background, crafted NOTIFYs, UDP exchanges and a flood of
malformed packets, all on loopback.
"""
import os
import queue
import socket
import struct
import subprocess
import threading
import time

import dns.flags
import dns.message
import dns.opcode
import dns.rdatatype
import dns.rrset

from named import _die_with_parent


def port_free(port):
    """Both TCP and UDP free on 127.0.0.1 and ::1."""
    for fam, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
        for typ in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
            s = socket.socket(fam, typ)
            try:
                s.bind((host, port))
            except OSError:
                return False
            finally:
                s.close()
    return True


def pick_port(exclude=()):
    """A high port free for TCP and UDP on 127.0.0.1 and ::1 (a race
    with other processes remains)."""
    for _ in range(200):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        if port >= 10000 and port not in exclude and port_free(port):
            return port
    raise RuntimeError("no free port on 127.0.0.1 and ::1")


class Tool:
    """tool_notify in the background, its stdout lines in a queue."""

    def __init__(self, tool, cfg_path):
        self.proc = subprocess.Popen([tool, cfg_path], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     preexec_fn=_die_with_parent)
        self.lines = queue.Queue()
        self.err = []
        threading.Thread(target=self._read, args=(self.proc.stdout, self.lines.put),
                         daemon=True).start()
        threading.Thread(target=self._read, args=(self.proc.stderr, self.err.append),
                         daemon=True).start()

    @staticmethod
    def _read(f, put):
        for raw in f:
            put(raw.decode(errors="replace").rstrip("\n"))

    def wait(self, pred, timeout):
        """The first line (within timeout) for which pred is true; lines
        before it are returned too: (line or None, skipped)."""
        deadline = time.monotonic() + timeout
        skipped = []
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None, skipped
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                return None, skipped
            if pred(line):
                return line, skipped
            skipped.append(line)

    def drain(self):
        out = []
        while True:
            try:
                out.append(self.lines.get_nowait())
            except queue.Empty:
                return out

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


def notify(zone, serial=None, qid=4660, opcode=dns.opcode.NOTIFY):
    """A NOTIFY (or another opcode) for zone's SOA, with the SOA and serial
    in the answer section when serial is given."""
    q = dns.message.make_query(zone, dns.rdatatype.SOA)
    q.id = qid
    q.set_opcode(opcode)
    q.flags = dns.opcode.to_flags(opcode) | (dns.flags.AA if opcode == dns.opcode.NOTIFY else 0)
    if serial is not None:
        q.answer.append(dns.rrset.from_text(zone, 300, "IN", "SOA",
                                            "ns1.%s hostmaster.%s %d 3600 600 86400 300"
                                            % (zone, zone, serial)))
    return q


def udp(wire, port, src="127.0.0.1", dst="127.0.0.1", timeout=1.0):
    """Send wire from src to dst:port; the answer's octets, or None when
    none came within timeout."""
    fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    try:
        s.bind((src, 0))
        s.settimeout(timeout)
        s.sendto(wire, (dst, port))
        try:
            return s.recv(65535)
        except socket.timeout:
            return None
    finally:
        s.close()


def send_flood(port, count, pause_every=0, pause=0.0):
    """count malformed packets to 127.0.0.1:port, alternately from
    127.0.0.3 and 127.0.0.2: truncated NOTIFYs, a question whose label runs
    past the end, random octets. Sleeps pause seconds after every
    pause_every packets (0: as fast as Python sends). Returns the number
    sent."""
    socks = []
    for src in ("127.0.0.3", "127.0.0.2"):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((src, 0))
        socks.append(s)
    junk = [notify("example.com.", qid=i).to_wire()[:-2] for i in range(10)]
    junk += [struct.pack("!HHHHHH", i, 0x2000, 1, 0, 0, 0) + b"\x3fabc" for i in range(10)]
    junk += [os.urandom(40) for _ in range(10)]
    sent = 0
    try:
        for i in range(count):
            try:
                socks[i & 1].sendto(junk[i % len(junk)], ("127.0.0.1", port))
                sent += 1
            except OSError:
                pass
            if pause_every and i % pause_every == pause_every - 1:
                time.sleep(pause)
    finally:
        for s in socks:
            s.close()
    return sent
