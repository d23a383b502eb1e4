#!/usr/bin/python3
"""make demo: notify53 keeping a Route 53 hosted zone in line with a BIND 9
primary, all on this machine.

    /usr/bin/python3 tools/demo.py [--notify53 PATH]

The binary is PATH, else $NOTIFY53, else ./notify53 of this checkout; the
script builds nothing. Every step prints one line starting with "==>", the
commands notify53 runs are shown with "$ " and their output as it is.

  1. named on 127.0.0.1 (a free high port) serves example.com, a small
     business's zone, dynamic (nsupdate) and transferable with a TSIG key;
  2. the Route 53 emulator (tools/r53emu.py) over TLS on 127.0.0.1 holds a
     fresh hosted zone example.com with drift: a stale record, an A where
     the primary has a CNAME, and an ACM validation CNAME that exists only in
     Route 53 (kept by an ignore rule); its request rate limit is raised
     from AWS's 5 per second, which this demo's back-to-back commands would
     otherwise meet (notify53 would wait and retry, adding noise to the
     API call counts shown);
  3. a notify53 config in a temporary directory;
  4. notify53 sync, notify53 r53 dump;
  5. nsupdate adds, changes and deletes records on the primary;
  6. notify53 plan (exit 2: changes pending), notify53 sync --wait,
     notify53 r53 dump, notify53 plan (exit 0: in sync).

Both servers and every temporary file go away at the end, also on Ctrl-C
or a failed step (test/lib/named.py and test/lib/emu.py stop their servers
at exit and on SIGINT/SIGTERM). Exit status 0 only when every step did what
it should.
"""
import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "test", "lib"))
import named  # noqa: E402
from emu import Emu  # noqa: E402
from named import Key, Named, Zone  # noqa: E402

APPARMOR = "/sys/module/apparmor/parameters/enabled"

ZONE = "example.com"

# A 2048-bit RSA public key as DKIM publishes it: 392 characters of base64,
# more than the 255 octets one TXT string can hold, so it is split in two
# strings (RFC 6376 section 3.6.2.2) and Route 53 must keep both.
DKIM_KEY = (
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEArztb2Igk9tWpRUVqzK1TkrOmqRU68aqh"
    "+G4UpdS4WMOIYbpDTndO44LHP91OeW0kiXq5qu36yX3K/GNRLGF/7c/fl5hp2n8VaNEC7bqBkpmc"
    "M5A8v7qxnZDgrJ2qSUl3LFk5C0roYA5aJs6pW0w9LTrcepVudte0NWbsb8F8jT2tjmvWln5Jp9hi"
    "Qz28EbWtwwnNPtjazx4JJFqAPaPWs0DkQNCXZgCjT0mjoGBBIRuW1mN5P4PaNj9zv02z8xnPJvG+"
    "V2IpDw3jupiwlgo6dYnB++9dzOKDJjnM8HoZQKtY8vhqUhUx8EMxqGc24zf4bjDQB5yQWAYJdYJU"
    "IyvmVwIDAQAB")
DKIM = "v=DKIM1; k=rsa; p=" + DKIM_KEY

ZONE_TEXT = """$ORIGIN example.com.
$TTL 3600
@           SOA   ns1 hostmaster 2026112601 7200 900 1209600 300
@           NS    ns1
@           NS    ns2.example.net.
@           A     192.0.2.10
@           AAAA  2001:db8::10
@           MX    10 mail
@           MX    20 mx2.example.net.
@           TXT   "v=spf1 mx ip4:192.0.2.0/24 include:_spf.example.net -all"
@           CAA   0 issue "letsencrypt.org"
@           CAA   0 iodef "mailto:security@example.com"
ns1         A     192.0.2.53
www         CNAME example.com.
mail        A     192.0.2.25
mail        AAAA  2001:db8::25
vpn         A     192.0.2.44
_dmarc      TXT   "v=DMARC1; p=quarantine; rua=mailto:dmarc@example.com"
mail._domainkey 300 TXT "%s" "%s"
_submission._tcp  SRV 0 1 587 mail
_imaps._tcp       SRV 0 1 993 mail
_sip._tls   SRV   10 60 5061 sip
sip         A     192.0.2.50
*.dev       A     192.0.2.80
""" % (DKIM[:200], DKIM[200:])

# What Route 53 holds before the first sync, besides its own apex SOA/NS.
DRIFT = [
    # a host the primary no longer has
    {"name": "ftp.example.com.", "type": "A", "ttl": 300, "values": ["198.51.100.7"]},
    # www was an A record once; the primary now has a CNAME
    {"name": "www.example.com.", "type": "A", "ttl": 300, "values": ["198.51.100.10"]},
    # ACM's DNS validation record, made in the console: only in Route 53
    {"name": "_3f2a9c1b7e.example.com.", "type": "CNAME", "ttl": 300,
     "values": ["_8d41e7.mhbtsbpdnt.acm-validations.aws."]},
]

# The primary's changes between the two syncs (nsupdate raises the serial).
UPDATES = [
    "update add shop.example.com. 3600 CNAME shops.myshopify.com.",
    "update delete mail.example.com. A",
    "update add mail.example.com. 3600 A 192.0.2.26",
    "update delete vpn.example.com. A",
]


class StepFailed(Exception):
    pass


def say(msg):
    print("==> " + msg, flush=True)


class Demo:
    def __init__(self, binary):
        self.binary = binary
        self.dir = None

    def run(self, args, want=(0,)):
        """Run notify53 with args in the demo directory, its output shown;
        fail the step unless its exit status is one of want."""
        print("$ notify53 " + " ".join(args), flush=True)
        r = subprocess.run([self.binary] + args, cwd=self.dir, stdin=subprocess.DEVNULL,
                           timeout=120)
        if r.returncode not in want:
            raise StepFailed("notify53 %s exited with status %d (expected %s)"
                             % (args[0], r.returncode, " or ".join(map(str, want))))
        return r.returncode

    def main(self):
        self.dir = tempfile.mkdtemp(prefix="notify53-demo-")
        key = Key("demo-key", "hmac-sha256", base64.b64encode(os.urandom(32)).decode())
        self.unconfined_named()
        say("starting named (BIND 9) on 127.0.0.1 with zone %s, dynamic, TSIG key %s"
            % (ZONE, key.name))
        with Named([Zone(ZONE, ZONE_TEXT, dynamic=True, transfer_keys=[key], update_key=key)],
                   keys=[key]) as ns, Emu(credentials=("AKID:SECRET",), rate=50, burst=50) as emu:
            say("named answers on %s, serial %d" % (ns.addr(), ns.serial(ZONE)))
            zid = emu.create_zone(ZONE + ".")
            emu.seed(zid, DRIFT)
            say("Route 53 emulator on %s (TLS): hosted zone %s with drift: stale ftp A,"
                " www A (primary: CNAME), ACM CNAME" % (emu.url, zid.rsplit("/", 1)[-1]))
            self.write_config(ns, emu, key)
            say("config written to %s/config.json" % self.dir)

            say("first sync: create what is missing, fix www, delete ftp, keep the ACM record")
            self.run(["sync", "-c", "config.json"])
            say("what Route 53 holds now")
            self.run(["r53", "dump", ZONE, "-c", "config.json"])

            say("changing the primary with nsupdate: add shop CNAME, move mail A, remove vpn A")
            ns.nsupdate(ZONE, UPDATES, key)
            say("primary serial now %d" % ns.serial(ZONE))

            say("plan: what a sync would change (exit status 2 = changes pending)")
            self.run(["plan", "-c", "config.json"], want=(2,))
            say("second sync, waiting until Route 53 reports the change INSYNC")
            self.run(["sync", "-c", "config.json", "--wait"])
            say("what Route 53 holds now")
            self.run(["r53", "dump", ZONE, "-c", "config.json"])
            say("plan again: nothing left to do (exit status 0)")
            self.run(["plan", "-c", "config.json"], want=(0,))
            say("stopping named and the emulator")

    def unconfined_named(self):
        """Debian's bind9 package loads an AppArmor profile for the path
        /usr/sbin/named that lets it read only /etc/bind, /var/lib/bind and
        /var/cache/bind, so the system's named cannot read this demo's files
        in a temporary directory. Where AppArmor is on, run a copy of the
        binary from the demo directory: the profile is attached by path,
        the copy runs as this user with no more rights than the user has."""
        try:
            with open(APPARMOR) as f:
                enabled = f.read().strip() == "Y"
        except OSError:
            enabled = False
        if not enabled:
            return
        copy = os.path.join(self.dir, "named")
        shutil.copy2(named.NAMED, copy)
        named.NAMED = copy
        say("AppArmor confines %s to /etc/bind and /var/*/bind: running a copy of it"
            % "/usr/sbin/named")

    def write_config(self, ns, emu, key):
        cfg = {
            "zones": [{
                "name": ZONE,
                "primaries": [ns.addr()],
                "tsig_key": key.name,
                "ignore": [{"name": "_*", "type": "CNAME"}],
            }],
            "tsig_keys": {key.name: {"algorithm": key.alg, "secret": key.secret}},
            "aws": {
                "endpoint": emu.url,
                "ca_file": emu.ca_file,
                "access_key_id": "AKID",
                "secret_access_key": "SECRET",
            },
        }
        path = os.path.join(self.dir, "config.json")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(cfg, f, indent=2)
            f.write("\n")

    def cleanup(self):
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None


def main():
    ap = argparse.ArgumentParser(description="notify53 demo: named + Route 53 emulator on loopback")
    ap.add_argument("--notify53", default=os.environ.get("NOTIFY53", os.path.join(ROOT, "notify53")),
                    help="the notify53 binary (default: $NOTIFY53, else ./notify53)")
    opts = ap.parse_args()
    binary = os.path.abspath(opts.notify53)
    if not os.access(binary, os.X_OK):
        print("demo: %s is not an executable (run make first)" % binary, file=sys.stderr)
        return 1
    demo = Demo(binary)
    try:
        demo.main()
    except (StepFailed, RuntimeError, OSError, subprocess.SubprocessError) as e:
        print("demo: FAILED: %s" % e, file=sys.stderr)
        return 1
    finally:
        demo.cleanup()
    say("done: servers stopped, temporary files removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
