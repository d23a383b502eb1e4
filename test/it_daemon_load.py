#!/usr/bin/python3
"""The daemon under load, BIND 9 as the primary with
also-notify to the daemon, the Route 53 emulator over TLS, all on loopback:

(a) ten zones, a burst of 100 dynamic updates spread over them (ten
    threads, one per zone; named's notify-delay 0 and notify-rate 1000, so
    every update sends its NOTIFY at once and the daemon, not named, has to
    coalesce; the emulator holds every change batch until the burst is
    over): every hosted zone converges to named's final zone (dnspython
    AXFR against boto3's listing), with at most 3 ChangeResourceRecordSets
    per zone (one job running and one pending) and no listing (the
    incremental path);
(b) while the emulator holds a change batch of the daemon (the daemon
    waits on Route 53), NOTIFYs from 127.0.0.1 are answered;
(c) during a flood of malformed packets (from 127.0.0.2 and 127.0.0.3),
    NOTIFYs from 127.0.0.1 are answered (retransmitted until answered, as
    primaries do: RFC 1996 section 3.6), the flood is counted as dropped,
    and a NOTIFY after it is answered and its change synced;
(d) a zone whose primary is stopped (SOA refresh 6, retry 5, expire 10;
    config.h DAEMON_RETRY_MIN_S is 5): the failed checks are scheduled at
    the SOA retry, the expire error is logged, nothing is deleted from the
    hosted zone; named started again on the same port with the zone
    changed: it converges.
Then SIGTERM: exit status 0.

Nothing is timed: each check waits for an event (a log line, an answer,
the emulator holding a request, the hosted zone's content) with a generous
bound (WAIT), so the test passes on a loaded 2-core machine; make bench
measures how fast.
"""
import base64
import json
import os
import re
import signal
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "test", "lib"))
from tap import ok, diag, done  # noqa: E402
from emu import Emu, bare  # noqa: E402
import named as namedmod  # noqa: E402
from named import Key, Named, Zone  # noqa: E402
from daemonproc import DaemonProc  # noqa: E402
from notifyprobe import notify, pick_port, send_flood, udp  # noqa: E402
import synctest as st  # noqa: E402

import dns.message  # noqa: E402
import dns.query  # noqa: E402
import dns.rcode  # noqa: E402
import dns.update  # noqa: E402

NOTIFY53 = os.environ.get("NOTIFY53", os.path.join(ROOT, "build", "check", "notify53"))
ZONES = ["z%d.load.example" % i for i in range(10)]
DOWN = "down.example"
UPDATES = 100
# The bound of every wait for an event: only reached when it never comes.
WAIT = 120


def zone_text(name, serial=1, timers="3600 600 86400 300", extra=""):
    return ("$ORIGIN %s.\n$TTL 300\n@ SOA ns1 hostmaster %d %s\n@ NS ns1\nns1 A 192.0.2.53\n"
            % (name, serial, timers)
            + "".join("h%d A 192.0.2.%d\n" % (i, i + 1) for i in range(20)) + extra)


def held(emu, zid, zone):
    """The hosted zone through the emulator's admin view (not an API call,
    so the request counts stay the daemon's), as st.listing's plain sets."""
    apex = zone.rstrip(".") + "."
    out = {}
    for s in emu.rrsets(zid):
        if s["type"] == "SOA" or (s["type"] == "NS" and s["name"] == apex) or "values" not in s:
            continue
        out[(s["name"], s["type"])] = (s["ttl"], set(st.wire(s["type"], v) for v in s["values"]))
    return out


def converge(emu, port_of, zids, timeout):
    """Wait until every zone's hosted zone equals named's; the zones still
    differing (empty when all converged)."""
    end = time.monotonic() + timeout
    pending = dict(zids)
    while True:
        for zone in list(pending):
            want = st.expected(st.axfr(port_of(zone), zone), zone)
            if held(emu, pending[zone], zone) == want:
                del pending[zone]
        if not pending or time.monotonic() > end:
            return sorted(pending)
        time.sleep(0.2)


def boto_matches(client, port_of, zids):
    """Zones whose boto3 listing differs from named's AXFR, with the diff."""
    bad = []
    for zone, zid in sorted(zids.items()):
        got = st.listing(client, zid)[0]
        want = st.expected(st.axfr(port_of(zone), zone), zone)
        if got != want:
            bad.append("%s:\n%s" % (zone, st.diff(got, want)))
    return bad


def api_calls(emu, since, zids, op):
    """Requests of op on the given hosted zones after log entry since."""
    ids = set(bare(z) for z in zids)
    return [x for x in emu.log(since) if x.get("op") == op and x.get("zone")
            and bare(x["zone"]) in ids]


def last_seq(emu):
    log = emu.log()
    return log[-1]["seq"] if log else 0


def notify_rtt(port, zone, src="127.0.0.1", timeout=WAIT):
    """(rcode text or None, seconds) of one NOTIFY over UDP."""
    t0 = time.monotonic()
    ans = udp(notify(zone + ".").to_wire(), port, src=src, timeout=timeout)
    took = time.monotonic() - t0
    if ans is None:
        return None, took
    return dns.rcode.to_text(dns.message.from_wire(ans).rcode()), took


def notify_retried(port, zone, tries=WAIT):
    """A NOTIFY sent again every second until answered, as a primary does
    (RFC 1996 section 3.6): (rcode text or None, tries used)."""
    for i in range(tries):
        rc, _ = notify_rtt(port, zone, timeout=1.0)
        if rc is not None:
            return rc, i + 1
    return None, tries


def wait_lines(dmn, pattern, n, since):
    """The first n lines matching pattern from index since, or fewer when
    they did not come within WAIT."""
    end = time.monotonic() + WAIT
    while True:
        got = dmn.grep(pattern, since)
        if len(got) >= n or time.monotonic() > end or dmn.proc.poll() is not None:
            return got
        time.sleep(0.2)


def start_named_on(port, zones, **kw):
    """A Named on a given port (a primary coming back where it was)."""
    orig = namedmod.free_port
    ports = [port]

    def fixed(host="127.0.0.1", exclude=()):
        return ports.pop(0) if ports else orig(host, exclude)

    namedmod.free_port = fixed
    try:
        return Named(zones, **kw).start()
    finally:
        namedmod.free_port = orig


def main():
    key = Key("load-key", "hmac-sha256", base64.b64encode(os.urandom(32)).decode())
    dport = pick_port()
    down_timers = "6 5 10 300"
    with Emu(rate=0) as emu, tempfile.TemporaryDirectory(prefix="notify53-load-") as d, \
            Named([Zone(z, zone_text(z), dynamic=True, update_key=key,
                        also_notify=[("127.0.0.1", dport)], extra="notify-delay 0;")
                   for z in ZONES], keys=[key], options="notify-rate 1000;") as ns:
        down = Named([Zone(DOWN, zone_text(DOWN, 1, down_timers),
                           also_notify=[("127.0.0.1", dport)])]).start()
        ports = {DOWN: down.port}

        def port_of(zone):
            return ports.get(zone, ns.port)

        zids = dict((z, bare(emu.create_zone(z + "."))) for z in ZONES + [DOWN])
        cfg = os.path.join(d, "config.json")
        with os.fdopen(os.open(cfg, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
            json.dump({"listen": ["127.0.0.1:%d" % dport],
                       "notify_servers": ["127.0.0.1", "127.0.0.2"],
                       "zones": [{"name": z, "primaries": [ns.addr()]} for z in ZONES]
                       + [{"name": DOWN, "primaries": [down.addr()]}],
                       "zone_refresh_wait_interval": 1,
                       "aws": {"endpoint": emu.url, "ca_file": emu.ca_file,
                               "access_key_id": "AKID", "secret_access_key": "SECRET",
                               "max_requests_per_second": 1000}}, f)
        dmn = DaemonProc(NOTIFY53, cfg)
        try:
            run(emu, ns, down, dmn, key, dport, zids, ports, port_of, down_timers)
        finally:
            code, took = dmn.stop()
            down.stop()
        diag("SIGTERM: exit after %.2f s" % took)
        ok(code == 0, "SIGTERM: exit status 0 (%d)" % code, dmn.tail())
    done()


def run(emu, ns, down, dmn, key, dport, zids, ports, port_of, down_timers):
    ready = dmn.wait(r"daemon: ready", WAIT)
    if not ok(ready is not None, "daemon ready", dmn.tail()):
        return
    pending = converge(emu, port_of, zids, WAIT)
    if not ok(not pending, "start-up: all 11 hosted zones hold named's zones",
              "differ: %s\n%s" % (pending, dmn.tail())):
        return
    client = emu.boto3()

    # (a) a burst of 100 updates over ten zones.
    seq = last_seq(emu)
    mark = dmn.mark()
    errors = []

    keyring, keyname = key.keyring()

    def burst(zone, k0):
        # dnspython rather than nsupdate: no process start per update, so
        # a zone's ten updates come faster than its jobs finish.
        try:
            for k in range(k0, UPDATES, len(ZONES)):
                u = dns.update.UpdateMessage(zone + ".", keyring=keyring, keyname=keyname,
                                             keyalgorithm=key.alg)
                u.add("b%d" % k, 300, "A", "198.51.100.%d" % (k % 250 + 1))
                if k % 3 == 0:
                    u.replace("h%d" % (k % 20), 300, "A", "203.0.113.%d" % (k % 250 + 1))
                r = dns.query.tcp(u, "127.0.0.1", port=ns.port, timeout=10)
                if r.rcode() != dns.rcode.NOERROR:
                    raise RuntimeError("update: %s" % dns.rcode.to_text(r.rcode()))
        except Exception as e:  # reported below, not lost in a thread
            errors.append("%s: %s" % (zone, e))

    # Change batches held until the burst is over: every zone's updates
    # arrive while its first job waits on Route 53, however slowly this
    # machine runs the burst (the daemon's request waits up to
    # HTTP_TOTAL_TIMEOUT_MS, 60 s; the burst takes a few).
    emu.fault("hold", op="ChangeResourceRecordSets", count=0)
    t0 = time.monotonic()
    threads = [threading.Thread(target=burst, args=(z, i)) for i, z in enumerate(ZONES)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT)
    burst_s = time.monotonic() - t0
    emu.clear_faults()
    emu.release()
    ok(not errors, "burst: %d updates over %d zones in %.1f s" % (UPDATES, len(ZONES), burst_s),
       "\n".join(errors))
    ten = dict((z, zids[z]) for z in ZONES)
    pending = converge(emu, port_of, ten, WAIT)
    ok(not pending, "burst: every hosted zone converged to named's final zone",
       "differ: %s\n%s" % (pending, dmn.tail()))
    changes = api_calls(emu, seq, ten.values(), "ChangeResourceRecordSets")
    lists = api_calls(emu, seq, ten.values(), "ListResourceRecordSets")
    bad = boto_matches(client, port_of, ten)
    ok(not bad, "burst: boto3 listings equal dnspython AXFRs of all ten zones", "\n".join(bad))
    per_zone = dict((z, sum(1 for x in changes if bare(x["zone"]) == zids[z])) for z in ZONES)
    jobs = dmn.grep(r"zone z\d\.load\.example\.: serial \d+ by", mark)
    diag("burst: %d ChangeResourceRecordSets for %d updates (per zone: %s), "
         "%d ListResourceRecordSets, %d jobs logged" % (
             len(changes), UPDATES, " ".join(str(per_zone[z]) for z in ZONES), len(lists),
             len(jobs)))
    diag("\n".join(l for _, l in jobs[:4]))
    # The first update starts a job, the others find it running and leave
    # one pending job: two batches per zone, a third when the burst
    # outlasts the first job.
    ok(max(per_zone.values()) <= 3 and len(changes) <= 3 * len(ZONES),
       "burst: %d change batches for %d updates, at most 3 per zone: coalesced"
       % (len(changes), UPDATES))
    ok(not lists, "burst: no listing, the incremental path (%d ListResourceRecordSets)" % len(lists))
    ok(all(x.get("status") == 200 for x in changes), "burst: every change batch accepted",
       [(x.get("status"), x.get("message")) for x in changes if x.get("status") != 200])

    # (b) A change batch held by Route 53: NOTIFYs are still answered.
    z0 = ZONES[0]
    seq = last_seq(emu)
    emu.fault("hold", op="ChangeResourceRecordSets", count=1)
    try:
        ns.nsupdate(z0, ["update add slow.%s. 300 A 198.51.100.200" % z0], key)
        ok(emu.held(wait=WAIT), "slow Route 53: the daemon's change batch is held by the "
           "emulator")
        rtts = []
        for i in range(30):
            rtts.append(notify_rtt(dport, ZONES[1 + i % 9]))
        still = len(emu.held())
    finally:
        emu.clear_faults()
        emu.release()
    diag("NOTIFY replies while a change batch is held: median %.1f ms, max %.1f ms over %d"
         % (sorted(t for _, t in rtts)[len(rtts) // 2] * 1000, max(t for _, t in rtts) * 1000,
            len(rtts)))
    ok(all(rc == "NOERROR" for rc, _ in rtts) and still == 1,
       "slow Route 53: every NOTIFY answered NOERROR while the batch was held",
       ([rc for rc, _ in rtts], still))
    pending = converge(emu, port_of, {z0: zids[z0]}, WAIT)
    ok(not pending, "slow Route 53: the held change lands once released", dmn.tail())

    # (c) a flood of malformed packets, NOTIFYs meanwhile, then a NOTIFY
    # and its change.
    during = []
    flood_n = [0]
    flood = threading.Thread(target=lambda: flood_n.__setitem__(0, send_flood(dport, 20000)))
    flood.start()
    while flood.is_alive():
        during.append(notify_retried(dport, ZONES[2]))
    flood.join()
    diag("flood: %d malformed packets; %d NOTIFYs sent meanwhile, tries each: %s" % (
        flood_n[0], len(during), [n for _, n in during]))
    ok(during and all(rc == "NOERROR" for rc, _ in during),
       "flood: every NOTIFY sent during the flood answered NOERROR (%d)" % len(during),
       during)
    mark = dmn.mark()
    dmn.proc.send_signal(signal.SIGUSR1)
    stats = dmn.wait(r"daemon: .*NOTIFY (\d+) accepted, (\d+) refused, (\d+) dropped", WAIT, mark)
    dropped = int(re.search(r"(\d+) dropped", stats[1]).group(1)) if stats else 0
    ok(dropped > 0, "flood: the malformed packets counted as dropped (%d)" % dropped,
       stats[1] if stats else dmn.tail())
    rc, took = notify_rtt(dport, ZONES[3])
    ok(rc == "NOERROR", "flood: the NOTIFY after it is answered (%s, %.1f ms)"
       % (rc, took * 1000))
    z5 = ZONES[5]
    ns.nsupdate(z5, ["update add after-flood.%s. 300 TXT \"still here\"" % z5], key)
    pending = converge(emu, port_of, {z5: zids[z5]}, WAIT)
    ok(not pending, "flood: the change announced after it is synced", dmn.tail())
    ok(dmn.proc.poll() is None, "flood: the daemon still runs")

    # (d) the primary of DOWN stops.
    seq = last_seq(emu)
    before = held(emu, zids[DOWN], DOWN)
    mark = dmn.mark()
    stopped_at = time.monotonic()
    down.stop()
    exp = dmn.wait(r"zone %s\.: expired: no primary has answered" % re.escape(DOWN), WAIT, mark)
    ok(exp is not None, "primary down: the expire error is logged", dmn.tail())
    if exp:
        diag("primary down: expired after %.1f s" % (exp[0] - stopped_at))
    fails = wait_lines(dmn, r"zone %s\.: .*next try in (\d+) s" % re.escape(DOWN), 2, mark)
    nexts = [int(re.search(r"next try in (\d+) s", l).group(1)) for _, l in fails]
    diag("primary down: failed checks, next try in %s s" % nexts)
    ok(len(fails) >= 2, "primary down: the check is retried (%d failures logged)" % len(fails))
    # SOA retry 5 s (= DAEMON_RETRY_MIN_S), shortened by up to 10 % jitter:
    # the daemon's own schedule, as it logs it (test_daemon.c checks the
    # arithmetic).
    ok(nexts and all(4 <= n <= 5 for n in nexts),
       "primary down: every retry scheduled at the SOA retry interval (%s s)" % nexts)
    ok(held(emu, zids[DOWN], DOWN) == before, "primary down: nothing deleted in Route 53")
    ok(not api_calls(emu, seq, [zids[DOWN]], "ChangeResourceRecordSets"),
       "primary down: no change sent for the zone")

    # The primary comes back on the same port, the zone changed meanwhile.
    back = start_named_on(ports[DOWN], [Zone(DOWN, zone_text(DOWN, 2, down_timers,
                                                             "back A 192.0.2.99\n"),
                                             also_notify=[("127.0.0.1", dport)])])
    try:
        ok(back.port == ports[DOWN], "primary back on port %d" % back.port)
        pending = converge(emu, port_of, {DOWN: zids[DOWN]}, WAIT)
        ok(not pending, "primary back: the hosted zone converges to the changed zone", dmn.tail())
        ok(dmn.wait(r"zone %s\.: the primary answers again" % re.escape(DOWN), WAIT, mark)
           is not None, "primary back: logged")
    finally:
        back.stop()


if __name__ == "__main__":
    main()
