#!/usr/bin/python3
"""`notify53 sync` at scale and under failure, BIND 9 as the primary, the
Route 53 emulator over TLS:

- 1,403 record sets (1,100 A, 300 long TXT) into an empty hosted zone:
  more than 1,000 changes in several batches, each within 1,000
  ResourceRecords and 32,000 value characters (the emulator's log); the
  zone equals the primary's; a second sync makes no change in
  ceil(N/300) + 1 calls;
- an InvalidChangeBatch injected on a batch: one new listing and plan,
  then converged;
- a value Route 53 refuses (NAPTR with both regexp and replacement):
  refused again after the new plan, bisected until the set is alone, the
  rest applied, the set reported with Route 53's message, exit 1; a TXT
  value longer than Route 53's 4,000 characters (16 strings of 255, legal
  DNS) left out by the plan with an error, not sent (Route 53 would refuse
  the whole request as InvalidInput), the rest synced, exit 1;
- Throttling injected during the sync: retried, converged;
- the safety check: deleting more than 30% of 30 record sets sends
  nothing, says why, exit 1; --dry-run sends nothing; --force --wait
  applies and ends with GetChange INSYNC;
- two zones, one whose primary is down: the other still syncs, exit 1;
- a transfer REFUSED and one cut in the middle of the AXFR: no
  ChangeResourceRecordSets, the hosted zones untouched.
"""
import math
import os
import socket
import struct
import sys
import threading

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "test", "lib"))
from tap import ok, eq, diag, done  # noqa: E402
from emu import Emu, bare  # noqa: E402
from named import Named, Zone, free_port  # noqa: E402
from r53tool import Home, api_log  # noqa: E402
import synctest as st  # noqa: E402

import dns.flags  # noqa: E402
import dns.message  # noqa: E402
import dns.rrset  # noqa: E402

HEAD = """$TTL 300
@ IN SOA ns1 hostmaster {serial} 7200 900 1209600 300
@ IN NS ns1
ns1 IN A 192.0.2.53
"""


def big_zone(serial, bump=0):
    """1,100 A and 300 TXT sets of 250 characters (75,000 in all: at least
    three batches by characters); bump changes the first `bump` A
    values."""
    out = [HEAD.format(serial=serial)]
    for i in range(1100):
        out.append("a%04d IN A 10.%d.%d.%d\n" % (i, i // 250, i % 250, 1 + (i < bump)))
    for i in range(300):
        out.append('t%03d IN TXT "%s"\n' % (i, ("%03d" % i) * 82 + "xy"))
    return "".join(out)


BAD_ZONE = HEAD.format(serial=1) + "".join("h%d IN A 192.0.2.%d\n" % (i, i) for i in range(8)) + \
    'naptr IN NAPTR 100 50 "u" "E2U+sip" "!^.*$!sip:x@example.com!" sip.bad.example.\n'

LONG_ZONE = HEAD.format(serial=1) + "h IN A 192.0.2.1\nlong IN TXT %s\n" % " ".join(
    ['"%s"' % ("x" * 255)] * 16)

SAFE_ZONE = HEAD.format(serial=1) + "".join("k%d IN A 192.0.2.%d\n" % (i, i) for i in range(10))


def extra_sets(zone, n):
    return [{"name": "old%d.%s." % (i, zone), "type": "A", "ttl": 300,
             "values": ["198.51.100.%d" % i]} for i in range(n)]


class CutAXFR(object):
    """A primary that answers SOA (over UDP, as a sync asks it first, and
    TCP) and sends the first AXFR message (SOA and some RRs, no closing
    SOA), then closes the connection."""

    def __init__(self, zone):
        self.zone = zone
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.sock.settimeout(0.2)
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", self.port))
        self.udp.settimeout(0.2)
        self.stop = False
        self.axfrs = 0
        self.t = threading.Thread(target=self.serve, daemon=True)
        self.t.start()
        self.u = threading.Thread(target=self.serve_udp, daemon=True)
        self.u.start()

    def soa(self, q):
        r = dns.message.make_response(q)
        r.flags |= dns.flags.AA
        r.answer.append(dns.rrset.from_text(
            self.zone, 300, "IN", "SOA", "ns1.%s hm.%s 5 7200 900 1209600 300"
            % (self.zone, self.zone)))
        return r

    def serve_udp(self):
        while not self.stop:
            try:
                data, peer = self.udp.recvfrom(512)
                self.udp.sendto(self.soa(dns.message.from_wire(data)).to_wire(), peer)
            except socket.timeout:
                continue
            except (OSError, ValueError):
                return

    def serve(self):
        while not self.stop:
            try:
                c, _ = self.sock.accept()
            except socket.timeout:
                continue
            with c:
                c.settimeout(5)
                try:
                    n = struct.unpack("!H", c.recv(2))[0]
                    q = dns.message.from_wire(c.recv(n))
                except (OSError, ValueError, struct.error):
                    continue
                r = self.soa(q)
                if q.question[0].rdtype == 252:
                    self.axfrs += 1
                    r.answer.append(dns.rrset.from_text("a." + self.zone, 300, "IN", "A",
                                                        "192.0.2.1"))
                w = r.to_wire()
                try:
                    c.sendall(struct.pack("!H", len(w)) + w)
                except OSError:
                    pass

    def close(self):
        self.stop = True
        self.t.join(5)
        self.u.join(5)
        self.sock.close()
        self.udp.close()


def changes_of(e):
    return [x for x in api_log(e) if x["op"] == "ChangeResourceRecordSets"]


def converged(client, ns, zid, zone, label):
    plain, _, _, _, _ = st.listing(client, zid)
    want = st.expected(st.axfr(ns.port, zone), zone)
    ok(plain == want, "%s: the hosted zone equals the primary's %d sets" % (label, len(want)),
       st.diff(plain, want))
    return len(plain) + 2


def large(e, home, client, ns, cfg):
    zid = bare(e.create_zone("big.example."))
    p, res = st.sync(home, cfg, ["big.example"])
    r = res.get("big.example.", {})
    ok(p.returncode == 0, "big: exit 0", p.stdout + p.stderr)
    n = converged(client, ns, zid, "big.example", "big")
    chg = changes_of(e)
    eq(sum(x["changes"] for x in chg), 1402, "big: 1,402 changes (1,401 creates, the SOA)")
    ok(len(chg) >= 3 and r.get("batches") == len(chg),
       "big: %d batches, as many as the sync printed" % len(chg))
    ok(all(x["records"] <= 1000 and x["value_chars"] <= 32000 and x["status"] == 200
           for x in chg), "big: every batch within 1,000 records and 32,000 characters: %s"
       % [(x["records"], x["value_chars"]) for x in chg])
    diag("big: first sync of %d sets: %s, %.2f s" % (n, r.get("calls"), r.get("secs", 0)))

    # --full: the whole zone listed again (a sync record would let a plain
    # sync stop at the SOA check) and compared, page by page.
    e.reset()
    p, res = st.sync(home, cfg, ["--full", "big.example"])
    r = res.get("big.example.", {})
    log = api_log(e)
    eq((r.get("created"), r.get("updated"), r.get("deleted")), (0, 0, 0), "big: re-sync, no change")
    ok(len(log) <= st.max_calls(n) and not changes_of(e),
       "big: re-sync in %d calls (ceil(%d/300) + 1 = %d)" % (len(log), n, st.max_calls(n)))
    diag("big: re-sync: %s, %.2f s" % (r.get("calls"), r.get("secs", 0)))

    # A batch refused once (Route 53 changed under us): list, plan, apply.
    ns.rewrite("big.example", big_zone(2, bump=10))
    e.reset()
    e.fault("invalid-change-batch", op="ChangeResourceRecordSets", count=1,
            message="Tried to create resource record set [name='a0000.big.example.', "
            "type='A'] but it already exists")
    p, res = st.sync(home, cfg, ["big.example"])
    log = api_log(e)
    ok(p.returncode == 0, "InvalidChangeBatch once: exit 0", p.stdout + p.stderr)
    # The hosted zone ID and the content come from the sync record (one SOA
    # check); the refusal makes the zone be listed, once.
    eq([(x["op"], x["status"]) for x in log if x["op"] != "ListResourceRecordSets"],
       [("ChangeResourceRecordSets", 400), ("ChangeResourceRecordSets", 200)],
       "InvalidChangeBatch once: refused, then applied")
    eq(sum(1 for x in log if x["op"] == "ListResourceRecordSets"), 1 + math.ceil(n / 300.0),
       "InvalidChangeBatch once: the SOA checked, the zone listed again, once")
    ok("listing the hosted zone again" in p.stderr, "InvalidChangeBatch once: said so", p.stderr)
    eq(res.get("big.example.", {}).get("updated"), 11, "InvalidChangeBatch once: 10 sets and "
       "the SOA updated")
    converged(client, ns, zid, "big.example", "after InvalidChangeBatch")

    # Throttling during the sync.
    ns.rewrite("big.example", big_zone(3, bump=20))
    e.reset()
    e.fault("throttle", op="*", count=3, skip=1)
    p, res = st.sync(home, cfg, ["big.example"])
    log = api_log(e)
    ok(p.returncode == 0, "Throttling: exit 0", p.stdout + p.stderr)
    eq(sum(1 for x in log if x.get("code") == "Throttling"), 3, "Throttling: 3 requests throttled")
    eq(res.get("big.example.", {}).get("updated"), 11, "Throttling: 10 sets and the SOA updated")
    converged(client, ns, zid, "big.example", "after Throttling")
    diag("throttled sync: %d requests, %.2f s" % (len(log), res.get("big.example.", {})
                                                  .get("secs", 0)))

    # A change applied whose answer is lost: listed again, nothing resent,
    # the lost batch said (its changes are not in the counts).
    ns.rewrite("big.example", big_zone(4, bump=30))
    e.reset()
    e.fault("reset-after", op="ChangeResourceRecordSets", count=1)
    p, res = st.sync(home, cfg, ["big.example"])
    log = api_log(e)
    ok(p.returncode == 0, "lost answer: exit 0", p.stdout + p.stderr)
    eq(sum(1 for x in log if x["op"] == "ChangeResourceRecordSets"), 1,
       "lost answer: the batch sent once, not resent")
    eq(sum(1 for x in log if x["op"] == "ListResourceRecordSets"), 1 + math.ceil(n / 300.0),
       "lost answer: the SOA checked, the zone listed again")
    ok("1 more batch whose answer was lost (not counted)" in p.stdout,
       "lost answer: said on the zone's line", p.stdout)
    converged(client, ns, zid, "big.example", "after a lost answer")


def refused_value(e, home, client, ns, cfg):
    zid = bare(e.create_zone("bad.example."))
    e.reset()
    p, res = st.sync(home, cfg, ["bad.example"])
    r = res.get("bad.example.", {})
    eq(p.returncode, 1, "refused value: exit 1")
    msg = [x for x in p.stderr.splitlines()
           if x.startswith("notify53: bad.example. (public hosted zone %s): Route 53 refused "
                           "naptr.bad.example. NAPTR" % zid)]
    ok(len(msg) == 1 and "NAPTRRRDATAInvalid" in msg[0] and
       p.stderr.count("refused naptr.bad.example.") == 1,
       "refused value: the set reported once with Route 53's message", p.stderr)
    plain, _, _, _, _ = st.listing(client, zid)
    want = st.expected(st.axfr(ns.port, "bad.example"), "bad.example")
    del want[("naptr.bad.example.", "NAPTR")]
    ok(plain == want, "refused value: every other set applied", st.diff(plain, want))
    chg = changes_of(e)
    ok(len(chg) >= 4 and chg[0]["status"] == 400 and chg[1]["status"] == 400 and
       chg[-1]["status"] in (200, 400) and sum(1 for x in chg if x["status"] == 200) >= 1,
       "refused value: refused twice, then bisected: %s"
       % [(x["changes"], x["status"]) for x in chg])
    ok(r.get("created") == 9 and "some refused" in r.get("what", ""),
       "refused value: 9 created, some refused: %s" % r.get("what"))

    # A value longer than Route 53 takes: left out by the plan, not sent.
    zid = bare(e.create_zone("long.example."))
    e.reset()
    p, res = st.sync(home, cfg, ["long.example"])
    r = res.get("long.example.", {})
    eq(p.returncode, 1, "value over 4,000 characters: exit 1")
    ok("long.long.example. TXT: not synced: a value of 4127 characters" in p.stderr,
       "value over 4,000 characters: left out, said so", p.stderr)
    ok(r.get("created") == 2 and "some not synced" in r.get("what", ""),
       "value over 4,000 characters: the rest created, some not synced: %s" % r.get("what"))
    ok(len(changes_of(e)) == 1 and changes_of(e)[0]["status"] == 200,
       "value over 4,000 characters: never sent (one change, accepted)")


def safety(e, home, client, ns, cfg):
    zid = bare(e.create_zone("safe.example."))
    e.seed(zid, extra_sets("safe.example", 20) + [
        {"name": "k%d.safe.example." % i, "type": "A", "ttl": 300, "values": ["192.0.2.%d" % i]}
        for i in range(10)] + [{"name": "ns1.safe.example.", "type": "A", "ttl": 300,
                               "values": ["192.0.2.53"]}])
    e.reset()
    p, res = st.sync(home, cfg, ["safe.example"])
    eq(p.returncode, 1, "safety: exit 1")
    ok("refused" in p.stderr and "max_delete_percent" in p.stderr and "--force" in p.stderr,
       "safety: says why and how to override", p.stderr)
    eq(len(changes_of(e)), 0, "safety: nothing sent")
    p, res = st.sync(home, cfg, ["safe.example", "--dry-run", "--force"])
    ok(p.returncode == 0 and "would" in res.get("safe.example.", {}).get("what", ""),
       "--dry-run: exit 0, says what it would do", p.stdout + p.stderr)
    ok(any(x.startswith("- old0.safe.example.") for x in p.stdout.splitlines()),
       "--dry-run: prints the plan")
    eq(len(changes_of(e)), 0, "--dry-run: nothing sent")
    e.config(insync_after=1)
    e.reset()
    p, res = st.sync(home, cfg, ["safe.example", "--force", "--wait"])
    r = res.get("safe.example.", {})
    ok(p.returncode == 0, "--force --wait: exit 0", p.stdout + p.stderr)
    eq(r.get("deleted"), 20, "--force: the 20 sets deleted")
    log = api_log(e)
    ok(log and log[-1]["op"] == "GetChange" and "INSYNC" in r.get("what", ""),
       "--wait: ends with GetChange, INSYNC: %s" % [x["op"] for x in log])
    e.config(insync_after=0)
    converged(client, ns, zid, "safe.example", "after --force")


def failures(e, home, client, ns, cfg_path):
    # Two zones, the second's primary down: the first still syncs.
    ns.rewrite("big.example", big_zone(5, bump=40))
    zid = bare(e.create_zone("down.example."))
    e.seed(zid, extra_sets("down.example", 3))
    e.reset()
    p, res = st.sync(home, cfg_path, ["big.example", "down.example"])
    eq(p.returncode, 1, "one zone down: exit 1")
    eq(res.get("big.example.", {}).get("updated"), 11, "one zone down: the other synced")
    ok("failed" in res.get("down.example.", {}).get("what", "") and "down.example" in p.stderr,
       "one zone down: the failure reported", p.stdout + p.stderr)
    ok(all(x["zone"] != zid for x in changes_of(e)), "one zone down: nothing sent for it")
    eq(len(e.rrsets(zid)), 5, "one zone down: its hosted zone untouched")

    # A transfer refused, and one cut mid-AXFR: nothing sent.
    cut = CutAXFR("cut.example.")
    try:
        rz = bare(e.create_zone("refused.example."))
        cz = bare(e.create_zone("cut.example."))
        e.seed(rz, extra_sets("refused.example", 3))
        e.seed(cz, extra_sets("cut.example", 3))
        cfg = st.sync_config(home, e, [
            {"name": "refused.example", "primaries": [ns.addr()]},
            {"name": "cut.example", "primaries": ["127.0.0.1:%d" % cut.port]}], name="fail.json")
        e.reset()
        p, res = st.sync(home, cfg)
        eq(p.returncode, 1, "failed transfers: exit 1")
        ok("REFUSED" in p.stderr, "transfer REFUSED reported", p.stderr)
        ok(cut.axfrs >= 1 and "cut.example" in p.stderr, "AXFR cut mid-way reported", p.stderr)
        eq(len(changes_of(e)), 0, "failed transfers: no ChangeResourceRecordSets")
        eq((len(e.rrsets(rz)), len(e.rrsets(cz))), (5, 5), "failed transfers: zones untouched")
    finally:
        cut.close()


def main():
    with Emu(rate=0) as e, Home() as home:
        client = e.boto3()
        dead = free_port()
        with Named([Zone("big.example", big_zone(1)), Zone("bad.example", BAD_ZONE),
                    Zone("long.example", LONG_ZONE),
                    Zone("safe.example", SAFE_ZONE),
                    Zone("refused.example", SAFE_ZONE, transfer="none;")]) as ns:
            cfg = st.sync_config(home, e, [
                {"name": z, "primaries": [ns.addr()]}
                for z in ("big.example", "bad.example", "long.example", "safe.example")] +
                [{"name": "down.example", "primaries": ["127.0.0.1:%d" % dead]}])
            large(e, home, client, ns, cfg)
            refused_value(e, home, client, ns, cfg)
            safety(e, home, client, ns, cfg)
            failures(e, home, client, ns, cfg)
    done()


if __name__ == "__main__":
    main()
