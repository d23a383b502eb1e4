#!/usr/bin/python3
"""Writes the hand-made seeds of the fuzz corpora (test/corpus/NAME/) that
hold DNS messages: notify (NOTIFYs, some TSIG-signed at the targets' fixed
time), ixfr and xfr (answers of several messages). Run it again after
changing a seed here; the files are committed, so make check does not need
it. The input layouts are described at the top of each test/fuzz_NAME.c.

    /usr/bin/python3 test/long/fuzz_seeds.py
"""
import os
import struct
import time

import dns.message
import dns.name
import dns.opcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import dns.tsig
import dns.tsigkeyring

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NOW = 1767225600  # FUZZ_NOW of test/fuzz_notify.c and test/fuzz_ixfr.c
time.time = lambda: float(NOW)  # TSIG signs with time.time()

K1 = ("k1", "hmac-sha256", "a2V5LW9uZS1mb3ItdGhlLW5vdGlmeS11bml0LXRlc3RzLTAwMDA=")
K2 = ("k2", "hmac-sha512", "a2V5LXR3by1mb3ItdGhlLW5vdGlmeS11bml0LXRlc3RzLTExMTE=")
ZONE = "example.com."


def write(target, name, data):
    d = os.path.join(ROOT, "test", "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def soa(serial, owner=ZONE):
    return dns.rrset.from_text(owner, 300, "IN", "SOA",
                               "ns1.example.com. hostmaster.example.com. %d 3600 600 86400 300"
                               % serial)


def rr(text):
    name, ttl, rtype, value = text.split(None, 3)
    return dns.rrset.from_text(name, int(ttl), "IN", rtype, value)


def notify(zone, serial=None, edns=False, key=None, qid=0x1234):
    m = dns.message.Message(id=qid)
    m.set_opcode(dns.opcode.NOTIFY)
    m.flags |= dns.flags.AA
    m.question.append(dns.rrset.RRset(dns.name.from_text(zone), dns.rdataclass.IN,
                                      dns.rdatatype.SOA))
    if serial is not None:
        m.answer.append(soa(serial, zone))
    if edns:
        m.use_edns(0, payload=1232)
    if key:
        ring = dns.tsigkeyring.from_text({key[0]: (key[1], key[2])})
        m.use_tsig(ring, key[0], algorithm=key[1])
    return m.to_wire()


def answer(qtype, rrsets, qid):
    m = dns.message.Message(id=qid)
    m.flags |= dns.flags.QR | dns.flags.AA
    m.question.append(dns.rrset.RRset(dns.name.from_text(ZONE), dns.rdataclass.IN, qtype))
    for r in rrsets:
        m.answer.append(r)
    return m.to_wire()


def stream(qtype, msgs, qid=0x4242):
    """The messages (each a list of RRsets, in order) as a TCP stream."""
    out = b""
    for rrs in msgs:
        w = answer(qtype, rrs, qid)
        out += struct.pack(">H", len(w)) + w
    return out


def notify_seeds():
    # ctl octet: bit 0 TCP, bits 1-2 source (0 notify_servers v4, 1 v6, 2 the
    # primary of prim.example only, 3 none), bit 3 the harness signs, bit 4
    # with k2, bit 5 1000 s late, bit 6 MAC broken.
    write("notify", "signed-k1-zone-key", b"\x00" + notify("signed.example.", 7, key=K1))
    write("notify", "signed-k2-no-zone-key-tcp", b"\x01" + notify(ZONE, 9, key=K2))
    write("notify", "signed-k1-edns-v6", b"\x02" + notify("signed.example.", 8, True, key=K1))
    write("notify", "signed-k1-unknown-zone", b"\x00" + notify("other.example.", key=K1))
    write("notify", "unsigned-zone-with-key", b"\x00" + notify("signed.example.", 7))
    write("notify", "unsigned-from-primary", b"\x04" + notify("prim.example.", 3))
    write("notify", "unsigned-not-allowed", b"\x06" + notify(ZONE, 3))
    write("notify", "harness-signs-k1", b"\x08" + notify("signed.example.", 10))
    write("notify", "harness-signs-k2-tcp", b"\x19" + notify(ZONE, 11, True))
    write("notify", "harness-signs-badtime", b"\x28" + notify("signed.example.", 12))
    write("notify", "harness-signs-badsig", b"\x48" + notify("signed.example.", 13))


V1 = [rr("example.com. 300 NS ns1.example.com."), rr("ns1.example.com. 300 A 192.0.2.53"),
      rr("www.example.com. 300 A 192.0.2.1")]


def ixfr_seeds():
    # ctl octet: bit 0 the harness signs (every message), bit 1 every other
    # one only, bit 2 the last MAC broken; then the piece size.
    two_steps = [[soa(5), soa(1), rr("www.example.com. 300 A 192.0.2.1")],
                 [soa(3), rr("www.example.com. 300 A 192.0.2.3"), soa(3)],
                 [soa(5), rr("h5.example.com. 300 TXT \"five\""), soa(5)]]
    s = stream(dns.rdatatype.IXFR, two_steps)
    write("ixfr", "two-steps-three-messages", b"\x00\xff" + s)
    write("ixfr", "two-steps-signed", b"\x01\xff" + s)
    write("ixfr", "two-steps-signed-in-pieces", b"\x01\x06" + s)
    four = two_steps[:1] + [[soa(3)], [rr("www.example.com. 300 A 192.0.2.3"), soa(3)]] + two_steps[2:]
    s4 = stream(dns.rdatatype.IXFR, four)
    write("ixfr", "four-messages-every-other-signed", b"\x03\xff" + s4)
    write("ixfr", "signed-last-mac-broken", b"\x05\xff" + s)
    write("ixfr", "delete-missing-rr", b"\x01\xff" + stream(dns.rdatatype.IXFR, [
        [soa(2), soa(1), rr("nothere.example.com. 300 A 192.0.2.9"), soa(2), soa(2)]]))
    # RFC 1995 section 4: the answer ends at the newest SOA once the steps
    # reach it; here the only step goes 1 -> 3 and SOA 5 comes back.
    write("ixfr", "never-reaches-the-newest", b"\x00\xff" + stream(dns.rdatatype.IXFR, [
        [soa(5), soa(1), rr("h1.example.com. 300 A 192.0.2.1"), soa(3),
         rr("h3.example.com. 300 A 192.0.2.3"), soa(5)]]))
    write("ixfr", "axfr-style-signed", b"\x01\xff" + stream(dns.rdatatype.IXFR, [
        [soa(4)] + V1[:2], V1[2:] + [soa(4)]]))
    write("ixfr", "current-signed", b"\x01\xff" + stream(dns.rdatatype.IXFR, [[soa(1)]]))
    tiny = [soa(201)]
    for i in range(1, 201):
        tiny += [soa(i), soa(i + 1)]
    tiny.append(soa(201))
    write("ixfr", "two-hundred-bare-steps", b"\x00\xff" + stream(
        dns.rdatatype.IXFR, [tiny[k:k + 100] for k in range(0, len(tiny), 100)]))


def xfr_seeds():
    # fuzz_xfr: octet 0 the kind (0 AXFR, 1 IXFR, 2 SOA), octet 1 the piece.
    write("xfr", "axfr-three-messages", b"\x00\xff" + stream(dns.rdatatype.AXFR, [
        [soa(9)] + V1[:1], V1[1:], [rr("mail.example.com. 300 MX 10 mail.example.com."),
                                    soa(9)]]))
    write("xfr", "ixfr-two-steps-one-byte-pieces", b"\x01\x00" + stream(dns.rdatatype.IXFR, [
        [soa(5), soa(1), rr("www.example.com. 300 A 192.0.2.1"), soa(3),
         rr("www.example.com. 300 A 192.0.2.3")],
        [soa(3), soa(5), rr("h5.example.com. 300 TXT \"five\""), soa(5)]]))
    write("xfr", "axfr-owner-outside-the-zone", b"\x00\xff" + stream(dns.rdatatype.AXFR, [
        [soa(9), rr("www.example.net. 300 A 192.0.2.1"), soa(9)]]))
    write("xfr", "ixfr-never-reaches-the-newest", b"\x01\xff" + stream(dns.rdatatype.IXFR, [
        [soa(5), soa(1), rr("h1.example.com. 300 A 192.0.2.1"), soa(3),
         rr("h3.example.com. 300 A 192.0.2.3"), soa(5)]]))


if __name__ == "__main__":
    notify_seeds()
    ixfr_seeds()
    xfr_seeds()
