#!/usr/bin/python3
"""make soak: the daemon over a long run (not part of make check).

BIND 9 named on loopback is the primary of one zone of SOAK_SETS record
sets (SOA, NS, ns1 and h0... ; dynamic; also-notify to the daemon, notify explicit, notify-delay 0;
recursion no, dnssec-validation no), the Route 53 emulator over TLS holds
the hosted zone, and `notify53 daemon` syncs one into the other with
reconcile_interval 60 (the smallest the config takes).

SOAK_CHANGES changes go through one long-running nsupdate, one update per
change (so one NOTIFY, one SOA query, one IXFR and one change batch each),
in a cycle of four kinds: a value changed, a value changed again, a set
created, the set just created deleted; the zone keeps SOAK_SETS (+1) sets.
After each update the driver waits for the daemon's job line for that
serial; after each block of SOAK_RECONCILE_EVERY changes it waits until a
reconcile (a job that listed the hosted zone: ListResourceRecordSets in its
line) has run since the block began. Nothing is timed: every step waits for
an event, bounded by WAIT.

Samples (every SOAK_SAMPLE_EVERY changes, after each reconcile, and at the
end): VmRSS and VmHWM from /proc/PID/status, the open fds (/proc/PID/fd),
the state file's size, and the phase: "sync" once the first full sync
(AXFR and listing of the whole zone) has ended and its state is written,
"job" after a change's job line, "reconcile" right after a reconcile's job
line (the listing may not be freed yet: the daemon logs a job before it
frees it), "end" once the last change is in the state file. They go to
build/soak/samples.tsv; the summary prints first, peak and last.

Fails when (the tolerances, and why):
- RSS: last > first + max(10 % of first, 256 KB), first the "sync" sample,
  last the "end" one, both between jobs. From then on the daemon holds
  the same zone, whose size the changes keep (one set more or less), so
  the memory between jobs should not move but for the HTTPS connection
  kept alive or closed when idle (BearSSL's buffers, some 40 KB) and the
  allocator's free lists. A leak of 26 octets per change would exceed
  256 KB over 10,000 changes. The peak (a reconcile holds a listing of the
  whole hosted zone) is printed, not bounded here: make bench measures it.
- open fds: last > first + 2. Between jobs at most the transfer's TCP
  socket (closed at its end) and the HTTPS connection kept alive may come
  and go; anything more is a descriptor leak.
- state file: last > first + 256 octets. It holds per zone counters (API
  calls by operation, serials, times) whose decimal digits grow; nothing
  in it grows with the number of changes otherwise.
- Route 53's content differs from the primary's (dnspython AXFR against the
  emulator's content) at the end, a job failed, nsupdate reported an error,
  or the daemon did not exit with status 0 on SIGTERM.
"""
import base64
import json
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "test", "lib"))
from emu import Emu, bare  # noqa: E402
from named import Key, Named, Zone, NSUPDATE, _die_with_parent  # noqa: E402
from daemonproc import DaemonProc  # noqa: E402
from notifyprobe import pick_port  # noqa: E402
import synctest as st  # noqa: E402

NOTIFY53 = os.environ.get("NOTIFY53", os.path.join(ROOT, "notify53"))
CHANGES = int(os.environ.get("SOAK_CHANGES", "10000"))
SETS = int(os.environ.get("SOAK_SETS", "10000"))
RECONCILE_EVERY = int(os.environ.get("SOAK_RECONCILE_EVERY", "500"))
SAMPLE_EVERY = int(os.environ.get("SOAK_SAMPLE_EVERY", "100"))
OUT = os.environ.get("SOAK_OUT", os.path.join(ROOT, "build", "soak"))
ZONE = "soak.example"
WAIT = 300


def zone_text():
    # SOA refresh 3600: no SOA checks of their own during the run.
    return ("$ORIGIN %s.\n$TTL 300\n@ SOA ns1 hostmaster 1 3600 600 86400 300\n@ NS ns1\n"
            "ns1 A 192.0.2.53\n" % ZONE
            + "".join("h%d A 10.%d.%d.%d\n" % (i, i >> 16 & 255, i >> 8 & 255, i & 255)
                      for i in range(SETS - 3)))


def held(emu, zid):
    apex = ZONE + "."
    out = {}
    for s in emu.rrsets(zid):
        if s["type"] == "SOA" or (s["type"] == "NS" and s["name"] == apex) or "values" not in s:
            continue
        out[(s["name"], s["type"])] = (s["ttl"], set(st.wire(s["type"], v) for v in s["values"]))
    return out


def state_serial(path):
    """The zone's synced_serial in the state file, or None."""
    try:
        with open(path) as f:
            text = f.read()
    except OSError:
        return None
    m = re.search(r'"synced_serial"\s*:\s*(\d+)', text)
    return int(m.group(1)) if m else None


def sample(pid, state_file):
    rss = hwm = 0
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
    fds = len(os.listdir("/proc/%d/fd" % pid))
    try:
        size = os.path.getsize(state_file)
    except OSError:
        size = -1
    return rss, hwm, fds, size


class Updater:
    """One nsupdate process for the whole run, fed an update at a time."""

    def __init__(self, port, key):
        self.port = port
        self.p = subprocess.Popen([NSUPDATE, "-y", "%s:%s:%s" % (key.alg, key.name, key.secret)],
                                  stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, preexec_fn=_die_with_parent)

    def send(self, commands):
        script = "server 127.0.0.1 %d\nzone %s.\n%s\nsend\n" % (
            self.port, ZONE, "\n".join(commands))
        self.p.stdin.write(script.encode())
        self.p.stdin.flush()

    def close(self):
        try:
            self.p.stdin.close()
            self.p.wait(60)
        except Exception:
            self.p.kill()
        return self.p.returncode, self.p.stderr.read().decode(errors="replace")


def change(i):
    """The nsupdate commands of change i (1-based): a cycle of four."""
    k = (i * 7919) % (SETS - 3)
    name = "h%d.%s." % (k, ZONE)
    kind = i % 4
    if kind in (0, 1):
        v = "10.200.%d.%d" % (i >> 8 & 255, i & 255)
        return ["update delete %s A" % name, "update add %s 300 A %s" % (name, v)]
    if kind == 2:
        return ['update add n%d.%s. 300 TXT "soak change %d"' % (i, ZONE, i)]
    return ["update delete n%d.%s. TXT" % (i - 1, ZONE)]


JOB = re.compile(r"zone %s\.: serial (\d+)(?: by (\w+))?, (.*)$" % re.escape(ZONE))


def main():
    os.makedirs(OUT, exist_ok=True)
    samples_path = os.path.join(OUT, "samples.tsv")
    key = Key("soak-key", "hmac-sha256", base64.b64encode(os.urandom(32)).decode())
    dport = pick_port()
    t_start = time.monotonic()
    fails = []
    with Emu(rate=0, max_lifetime=6 * 3600) as emu, \
            tempfile.TemporaryDirectory(prefix="notify53-soak-") as d, \
            Named([Zone(ZONE, zone_text(), dynamic=True, update_key=key,
                        also_notify=[("127.0.0.1", dport)], extra="notify-delay 0;")],
                  keys=[key], options="notify-rate 1000;") as ns:
        zid = bare(emu.create_zone(ZONE + "."))
        state_file = os.path.join(d, "state.json")
        cfg = os.path.join(d, "config.json")
        with os.fdopen(os.open(cfg, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
            json.dump({"listen": ["127.0.0.1:%d" % dport],
                       "notify_servers": ["127.0.0.1"],
                       "zones": [{"name": ZONE, "primaries": [ns.addr()]}],
                       "reconcile_interval": 60,
                       "state_file": state_file,
                       "aws": {"endpoint": emu.url, "ca_file": emu.ca_file,
                               "access_key_id": "AKID", "secret_access_key": "SECRET",
                               "max_requests_per_second": 1000}}, f)
        dmn = DaemonProc(NOTIFY53, cfg)
        upd = None
        rows = []
        try:
            first = dmn.wait(r"zone %s\.: serial 1 by AXFR, \d+ created" % re.escape(ZONE),
                             WAIT)
            if not first:
                raise SystemExit("soak: the first full sync did not end:\n" + dmn.tail())
            t_ready = time.monotonic()
            print("soak: first full sync of %d sets: %s" % (SETS, first[1].split(": ", 2)[-1]),
                  flush=True)
            # The state file is written at most once a second after a job.
            end = time.monotonic() + WAIT
            while state_serial(state_file) != 1 and time.monotonic() < end:
                time.sleep(0.1)
            rows.append((0, 0) + sample(dmn.proc.pid, state_file) + ("sync",))
            upd = Updater(ns.port, key)
            serial = 1
            reconciles = 0
            pos = dmn.mark()
            block_mark = pos
            t_changes = time.monotonic()
            for i in range(1, CHANGES + 1):
                upd.send(change(i))
                serial += 1
                # Wait for the job line of this serial (or a newer one).
                while True:
                    got = dmn.wait(JOB.pattern, WAIT, pos)
                    if not got:
                        raise SystemExit("soak: no job line for serial %d after change %d:\n%s"
                                         % (serial, i, dmn.tail()))
                    pos = dmn.lines.index(got, pos) + 1
                    m = JOB.search(got[1])
                    if "failed" in m.group(3) or "refused" in m.group(3):
                        fails.append(got[1])
                    if int(m.group(1)) >= serial:
                        break
                if i % RECONCILE_EVERY == 0:
                    rec = dmn.wait(r"zone %s\.: serial \d+.*ListResourceRecordSets"
                                   % re.escape(ZONE), WAIT, block_mark)
                    if not rec:
                        raise SystemExit("soak: no reconcile after change %d:\n%s"
                                         % (i, dmn.tail()))
                    reconciles += 1
                    block_mark = pos = max(pos, dmn.lines.index(rec, block_mark) + 1)
                if i % SAMPLE_EVERY == 0 or i % RECONCILE_EVERY == 0:
                    rows.append((i, round(time.monotonic() - t_changes, 1))
                                + sample(dmn.proc.pid, state_file)
                                + ("reconcile" if i % RECONCILE_EVERY == 0 else "job",))
                    if i % 1000 == 0:
                        r = rows[-1]
                        print("soak: %5d changes, %6.1f s: RSS %d KB, fds %d, state %d octets"
                              % (i, r[1], r[2], r[4], r[5]), flush=True)
            t_end = time.monotonic()
            code, err = upd.close()
            upd = None
            if code != 0 or err.strip():
                fails.append("nsupdate: status %s: %s" % (code, err.strip()[:500]))
            # The last job written to the state file (at most a second later).
            end = time.monotonic() + WAIT
            while time.monotonic() < end and state_serial(state_file) != serial:
                time.sleep(0.2)
            if state_serial(state_file) != serial:
                fails.append("state file: synced_serial is not %d" % serial)
            rows.append((CHANGES, round(t_end - t_changes, 1)) + sample(dmn.proc.pid, state_file)
                        + ("end",))
            want = st.expected(st.axfr(ns.port, ZONE), ZONE)
            have = held(emu, zid)
            if have != want:
                fails.append("Route 53 differs from the primary:\n" + st.diff(have, want))
            calls = {}
            for x in emu.log():
                calls[x.get("op")] = calls.get(x.get("op"), 0) + 1
        finally:
            if upd:
                upd.close()
            code, took = dmn.stop()
        if code != 0:
            fails.append("daemon exit status %d" % code)

    with open(samples_path, "w") as f:
        f.write("changes\tseconds\trss_kb\thwm_kb\tfds\tstate_octets\tphase\n")
        for r in rows:
            f.write("\t".join(str(v) for v in r) + "\n")
    first, last = rows[0], rows[-1]
    peak = [max(r[k] for r in rows) for k in range(6)]
    if last[6] != "end":
        fails.append("no final sample")
    print("soak: %d changes (one update, one NOTIFY each) on a zone of %d sets, %d reconciles "
          "(one or more every %d changes)" % (CHANGES, SETS, reconciles, RECONCILE_EVERY))
    print("soak: duration: first full sync %.1f s, changes %.1f s (%.1f changes/s), total %.1f s"
          % (t_ready - t_start, t_end - t_changes, CHANGES / (t_end - t_changes),
             time.monotonic() - t_start))
    print("soak: API calls: %s" % ", ".join("%s %d" % kv for kv in sorted(calls.items())))
    print("soak:            first     peak     last")
    steady = [r[2] for r in rows if r[6] != "reconcile"]
    print("soak: RSS KB  %8d %8d %8d   (between jobs %d..%d KB; VmHWM last %d KB)"
          % (first[2], peak[2], last[2], min(steady), max(steady), last[3]))
    print("soak: fds     %8d %8d %8d" % (first[4], peak[4], last[4]))
    print("soak: state   %8d %8d %8d octets" % (first[5], peak[5], last[5]))
    print("soak: samples in %s" % os.path.relpath(samples_path, ROOT))
    if last[2] > first[2] + max(first[2] // 10, 256):
        fails.append("RSS grew beyond the tolerance: %d -> %d KB" % (first[2], last[2]))
    if last[4] > first[4] + 2:
        fails.append("open fds grew: %d -> %d" % (first[4], last[4]))
    if last[5] > first[5] + 256:
        fails.append("state file grew: %d -> %d octets" % (first[5], last[5]))
    for f_ in fails[:20]:
        print("soak: FAIL: %s" % f_)
    print("soak: %s" % ("FAILED" if fails else "passed: Route 53 equals the primary's zone, "
                        "RSS, fds and state file flat"))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
