#!/usr/bin/python3
"""it_demo: the README's first command works. Runs tools/demo.py (what
`make demo` runs) with the test's notify53 ($NOTIFY53) and checks what it
prints: both syncs, the dumps, the plans and their exit statuses, and that
named, the emulator and the temporary directory are gone afterwards - after
a normal run, after a failing step and after Ctrl-C (SIGINT) in the middle.
"""
import os
import re
import signal
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "test", "lib"))
from tap import diag, done, eq, ok  # noqa: E402

DEMO = [os.path.join(ROOT, "tools", "demo.py")]
BIN = os.environ.get("NOTIFY53", os.path.join(ROOT, "notify53"))


def servers(out):
    """The named port, the emulator port and the demo directory the demo
    announced (None where it did not get that far)."""
    named = re.search(r"named answers on 127\.0\.0\.1:(\d+)", out)
    emu = re.search(r"emulator on https://127\.0\.0\.1:(\d+)", out)
    cfg = re.search(r"config written to (\S+)/config\.json", out)
    return (int(named.group(1)) if named else None, int(emu.group(1)) if emu else None,
            cfg.group(1) if cfg else None)


def listening(port):
    """Does anything accept TCP connections on 127.0.0.1:port?"""
    s = socket.socket()
    s.settimeout(2)
    try:
        s.connect(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def gone(out, what):
    """named, the emulator and the demo directory no longer exist."""
    named, emu, d = servers(out)
    ok(named is not None and not listening(named), "%s: named stopped" % what, out[-2000:])
    ok(emu is not None and not listening(emu), "%s: emulator stopped" % what)
    ok(d is not None and not os.path.exists(d), "%s: demo directory removed" % what)


def section(out, start, end):
    """The text between the narration line containing start and the next
    one containing end."""
    i = out.index(start)
    return out[i:out.index(end, i)]


def test_run():
    r = subprocess.run(["/usr/bin/python3"] + DEMO + ["--notify53", BIN], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=300)
    out = r.stdout.decode(errors="replace")
    if not eq(r.returncode, 0, "demo exits 0"):
        diag(out)
        return
    steps = [line for line in out.splitlines() if line.startswith("==> ")]
    ok(len(steps) >= 12, "every step narrated in one line (%d)" % len(steps))

    first = section(out, "first sync", "what Route 53 holds now")
    ok(re.search(r"^example\.com\. \(public hosted zone Z\w+\): serial 2026112601 by AXFR, 17 created, 1 updated, 2 deleted "
                 r"in 1 batch; API calls: ListHostedZonesByName 1, ListResourceRecordSets 1, "
                 r"ChangeResourceRecordSets 1; ", first, re.M),
       "first sync: 17 created, SOA updated, stale ftp and www A deleted, 3 API calls", first)
    dump1 = section(out, "what Route 53 holds now", "changing the primary")
    for line in ["www.example.com. 3600 CNAME example.com.",
                 "vpn.example.com. 3600 A 192.0.2.44",
                 "*.dev.example.com. 3600 A 192.0.2.80",
                 "_sip._tls.example.com. 3600 SRV 10 60 5061 sip.example.com.",
                 "example.com. 3600 MX 10 mail.example.com. | 20 mx2.example.net.",
                 'example.com. 3600 CAA 0 iodef "mailto:security@example.com" | 0 issue "letsencrypt.org"',
                 "_3f2a9c1b7e.example.com. 300 CNAME _8d41e7.mhbtsbpdnt.acm-validations.aws."]:
        ok(line in dump1.splitlines(), "first dump has %s" % line.split(" ")[0] + " " + line.split(" ")[2],
           dump1)
    ok(re.search(r'^mail\._domainkey\.example\.com\. 300 TXT "v=DKIM1; k=rsa; p=[^"]{182}" "[^"]{210}"$',
                 dump1, re.M), "first dump: DKIM TXT of 410 octets kept as the primary's two strings")
    ok("ftp.example.com." not in dump1, "first dump: stale ftp gone")
    ok(not re.search(r"^www\.example\.com\. \d+ A ", dump1, re.M), "first dump: www A gone")
    ok(re.search(r"^example\.com\. 172800 NS ns-\d+\.awsdns-", dump1, re.M),
       "first dump: Route 53's apex NS kept")

    plan = section(out, "plan: what a sync would change", "second sync")
    for line in ["+ shop.example.com. 3600 CNAME shops.myshopify.com.",
                 "~ mail.example.com. A",
                 "- vpn.example.com. 3600 A 192.0.2.44",
                 "1 to create, 2 to update, 1 to delete"]:
        ok(line in plan.splitlines(), "plan shows %r" % line, plan)

    second = section(out, "second sync", "what Route 53 holds now")
    ok(re.search(r"^example\.com\. \(public hosted zone Z\w+\): serial 2026112602 by AXFR, 1 created, 2 updated, 1 deleted in 1 "
                 r"batch, INSYNC; API calls: ListHostedZonesByName 1, ListResourceRecordSets 1, "
                 r"ChangeResourceRecordSets 1, GetChange 1; ", second, re.M),
       "second sync: 1 created, 2 updated, 1 deleted, INSYNC, 4 API calls", second)
    dump2 = out[out.index("what Route 53 holds now", out.index("second sync")):]
    ok("mail.example.com. 3600 A 192.0.2.26" in dump2 and "vpn.example.com." not in dump2
       and "shop.example.com. 3600 CNAME shops.myshopify.com." in dump2,
       "second dump: mail moved, vpn gone, shop added")
    ok("0 to create, 0 to update, 0 to delete" in out[out.index("plan again"):],
       "last plan: nothing to do")
    ok(out.rstrip().endswith("==> done: servers stopped, temporary files removed"), "demo ends with done")
    gone(out, "after the demo")


def test_failing_step():
    r = subprocess.run(["/usr/bin/python3"] + DEMO + ["--notify53", "/bin/false"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    out = r.stdout.decode(errors="replace")
    ok(r.returncode != 0, "a failing step: demo exits non-zero (%d)" % r.returncode, out)
    ok("demo: FAILED: notify53 sync exited with status 1" in out, "a failing step is named", out)
    gone(out, "a failing step")


def test_interrupt():
    p = subprocess.Popen(["/usr/bin/python3"] + DEMO + ["--notify53", BIN], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    out = ""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = p.stdout.readline().decode(errors="replace")
        if not line:
            break
        out += line
        if "config written to" in line:
            break
    p.send_signal(signal.SIGINT)
    try:
        rest, _ = p.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        rest, _ = p.communicate()
    out += rest.decode(errors="replace")
    ok(p.returncode != 0, "Ctrl-C: demo exits non-zero (%s)" % p.returncode, out)
    ok("==> done" not in out, "Ctrl-C: the demo stopped early")
    gone(out, "Ctrl-C")


def main():
    test_run()
    test_failing_step()
    test_interrupt()
    done()


if __name__ == "__main__":
    main()
