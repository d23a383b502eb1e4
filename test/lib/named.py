"""A real BIND 9 named on loopback for the integration tests and benchmarks.

    from named import Named, Key, Zone
    key = Key("xfr-key", "hmac-sha256", "c2VjcmV0...")
    with Named([Zone("example.com", ZONE_TEXT, dynamic=True, transfer_keys=[key])],
               keys=[key]) as ns:
        ns.port                  # UDP and TCP port on 127.0.0.1
        ns.nsupdate("example.com", ["update add a.example.com. 300 A 192.0.2.9"], key)
        ns.serial("example.com")

What it guarantees, so tests stay hermetic and bounded:
- named listens on 127.0.0.1 only, on a free high port, with recursion and
  DNSSEC validation off and NOTIFY only to the also-notify targets a zone
  names (notify explicit) or none at all;
- everything (config, zones, journals, keys, named's own log) lives in one
  temporary directory, removed on stop unless NAMED_KEEP=1;
- every zone file passes `named-checkzone -i local` before named starts, so a
  typo in a test's zone fails loudly instead of named serving nothing;
- named runs in its own process group with PR_SET_PDEATHSIG, and stop() runs
  at exit and on SIGTERM/SIGINT (test/run.sh's timeout), so no named outlives
  its test even when the test crashes;
- start-up and every helper command have time limits.
Zone changes that should reach a secondary by IXFR go through nsupdate on a
dynamic zone (journal), or through rewrite() + rndc reload on a static zone
(ixfr-from-differences yes makes named compute the journal).
"""
import atexit
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import dns.message
import dns.query
import dns.rcode
import dns.rdatatype

NAMED = "/usr/sbin/named"
CHECKZONE = "/usr/bin/named-checkzone"
NSUPDATE = "/usr/bin/nsupdate"
RNDC = "/usr/sbin/rndc"

_running = []


def _stop_all(*_):
    for n in list(_running):
        n.stop()


def _on_signal(signo, _frame):
    _stop_all()
    sys.exit(128 + signo)


atexit.register(_stop_all)
for _s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(_s, _on_signal)


def _die_with_parent():
    """In the child before exec: own process group, SIGKILL when the test
    process dies (even by SIGKILL, when atexit cannot run)."""
    os.setpgid(0, 0)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def free_port(host="127.0.0.1", exclude=()):
    """A port free for both TCP and UDP on host (a race with other
    processes remains; Named.start retries on a bind failure)."""
    for _ in range(100):
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            t.bind((host, 0))
            port = t.getsockname()[1]
            if port < 10000 or port in exclude:
                continue
            u.bind((host, port))
            return port
        except OSError:
            continue
        finally:
            t.close()
            u.close()
    raise RuntimeError("no free port on %s" % host)


class Key:
    """A TSIG key: name, algorithm (hmac-sha256...), base64 secret."""

    def __init__(self, name, alg, secret):
        self.name = name.rstrip(".")
        self.alg = alg
        self.secret = secret

    def spec(self):
        """The notify53 --tsig argument NAME:ALG:BASE64SECRET."""
        return "%s:%s:%s" % (self.name, self.alg, self.secret)

    def conf(self):
        return 'key "%s" { algorithm %s; secret "%s"; };\n' % (self.name, self.alg, self.secret)

    def keyring(self):
        """A dnspython keyring argument for dns.query.* / dns.message.*."""
        import dns.tsigkeyring
        import dns.name
        return dns.tsigkeyring.from_text({self.name: (self.alg, self.secret)}), dns.name.from_text(self.name)


class Zone:
    """A zone named serves as primary.

    text: the zone file (with $ORIGIN/$TTL or absolute names).
    dynamic: allow nsupdate with update_key (or any key given) -> journal.
    transfer: allow-transfer ACL body, e.g. "any;", "none;", 'key "k";'.
    transfer_keys: shorthand for transfer = 'key "NAME";' for each key.
    also_notify: list of (ip, port) to send NOTIFY to (notify explicit).
    update_key: the Key allowed to update a dynamic zone.
    extra: more statements for the zone block.
    """

    def __init__(self, name, text, dynamic=False, transfer="any;", transfer_keys=None,
                 also_notify=None, update_key=None, extra=""):
        self.name = name.rstrip(".")
        self.text = text
        self.dynamic = dynamic
        if transfer_keys:
            transfer = "".join('key "%s"; ' % k.name for k in transfer_keys)
        self.transfer = transfer
        self.also_notify = also_notify or []
        self.update_key = update_key
        self.extra = extra
        self.file = self.name + ".db"


class Named:
    def __init__(self, zones, keys=(), options="", start_timeout=30, threads=1,
                 max_ixfr_ratio="unlimited"):
        """max_ixfr_ratio: named answers IXFR AXFR-style when the delta is
        larger than this share of the zone ("unlimited": always incremental;
        "1%": almost always a full zone)."""
        self.max_ixfr_ratio = max_ixfr_ratio
        self.zones = {z.name: z for z in zones}
        self.keys = list(keys)
        self.options = options
        self.start_timeout = start_timeout
        self.threads = threads
        self.dir = tempfile.mkdtemp(prefix="notify53-named-")
        self.port = None
        self.rndc_port = None
        self.proc = None
        self.log = os.path.join(self.dir, "named.log")
        self._logf = None

    # -- configuration -------------------------------------------------------

    def _zone_conf(self, z):
        lines = ['zone "%s" {' % z.name, "\ttype primary;", '\tfile "%s";' % z.file,
                 "\tallow-transfer { %s };" % z.transfer]
        if z.dynamic:
            key = z.update_key or (self.keys[0] if self.keys else None)
            if key is None:
                raise ValueError("dynamic zone %s needs a key for allow-update" % z.name)
            lines.append('\tallow-update { key "%s"; };' % key.name)
        if z.also_notify:
            lines.append("\tnotify explicit;")
            lines.append("\talso-notify { %s };" % " ".join(
                "%s port %d;" % (ip, port) for ip, port in z.also_notify))
        else:
            lines.append("\tnotify no;")
        if z.extra:
            lines.append("\t" + z.extra)
        lines.append("};")
        return "\n".join(lines) + "\n"

    def _write_conf(self):
        d = self.dir
        conf = ["options {",
                '\tdirectory "%s";' % d,
                '\tpid-file "%s/named.pid";' % d,
                '\tsession-keyfile "%s/session.key";' % d,
                '\tmanaged-keys-directory "%s";' % d,
                "\tlisten-on port %d { 127.0.0.1; };" % self.port,
                "\tlisten-on-v6 { none; };",
                "\trecursion no;",
                "\tdnssec-validation no;",
                "\tnotify explicit;",
                "\tixfr-from-differences yes;",
                "\tmax-ixfr-ratio %s;" % self.max_ixfr_ratio,
                "\tallow-query { any; };",
                "\tcheck-names primary ignore;",  # tests use names no hostname may have
                "\tmax-transfer-time-out 120;",
                "\ttcp-clients 50;",
                self.options,
                "};",
                'key "rndc-key" { algorithm hmac-sha256; secret "%s"; };' % _RNDC_SECRET,
                "controls { inet 127.0.0.1 port %d allow { 127.0.0.1; } keys { \"rndc-key\"; }; };"
                % self.rndc_port]
        conf += [k.conf() for k in self.keys]
        conf += [self._zone_conf(z) for z in self.zones.values()]
        with open(os.path.join(d, "named.conf"), "w") as f:
            f.write("\n".join(conf) + "\n")
        with open(os.path.join(d, "rndc.key"), "w") as f:
            f.write('key "rndc-key" { algorithm hmac-sha256; secret "%s"; };\n' % _RNDC_SECRET)

    def write_zone(self, name, text):
        """Write a zone file and check it with named-checkzone -i local."""
        z = self.zones[name.rstrip(".")]
        z.text = text
        path = os.path.join(self.dir, z.file)
        with open(path, "w") as f:
            f.write(text)
        r = subprocess.run([CHECKZONE, "-q", "-i", "local", z.name, path],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
        if r.returncode != 0:
            subprocess.run([CHECKZONE, "-i", "local", z.name, path], timeout=60)
            raise RuntimeError("named-checkzone rejected zone %s" % z.name)

    # -- life cycle ----------------------------------------------------------

    def start(self):
        for z in self.zones.values():
            self.write_zone(z.name, z.text)
        last = None
        for _ in range(3):  # a port taken between free_port() and bind
            self.port = free_port()
            self.rndc_port = free_port(exclude=(self.port,))
            self._write_conf()
            self._logf = open(self.log, "ab")
            self.proc = subprocess.Popen(
                [NAMED, "-g", "-n", str(self.threads), "-c", os.path.join(self.dir, "named.conf")],
                stdin=subprocess.DEVNULL, stdout=self._logf, stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent, cwd=self.dir)
            _running.append(self)
            try:
                self._wait_ready()
                return self
            except RuntimeError as e:
                last = e
                self._kill()
                if "address in use" not in self.log_tail():
                    break
        self.stop()
        raise RuntimeError("%s\n%s" % (last, self.log_tail()))

    def _wait_ready(self):
        deadline = time.monotonic() + self.start_timeout
        pending = set(self.zones)
        while pending:
            if self.proc.poll() is not None:
                raise RuntimeError("named exited with status %d" % self.proc.returncode)
            if time.monotonic() > deadline:
                raise RuntimeError("named did not answer SOA for %s within %ds"
                                   % (", ".join(sorted(pending)), self.start_timeout))
            for name in sorted(pending):
                try:
                    self.serial(name, timeout=0.5)
                    pending.discard(name)
                except Exception:
                    time.sleep(0.1)

    def _kill(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
            if self.proc.poll() is None:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=10)
        self.proc = None
        if self._logf:
            self._logf.close()
            self._logf = None
        if self in _running:
            _running.remove(self)

    def stop(self):
        """Kill named (SIGTERM, then SIGKILL) and remove its directory."""
        self._kill()
        if self.dir and os.environ.get("NAMED_KEEP") != "1":
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def log_tail(self, lines=30):
        try:
            with open(self.log, errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""

    # -- helpers for tests -----------------------------------------------------

    def addr(self):
        """SERVER:PORT as notify53 takes it."""
        return "127.0.0.1:%d" % self.port

    def serial(self, zone, timeout=2.0):
        """The SOA serial named serves for zone (authoritative answer)."""
        q = dns.message.make_query(zone.rstrip(".") + ".", dns.rdatatype.SOA)
        r = dns.query.udp(q, "127.0.0.1", port=self.port, timeout=timeout)
        if r.rcode() != dns.rcode.NOERROR or not r.answer:
            raise RuntimeError("SOA %s: %s" % (zone, dns.rcode.to_text(r.rcode())))
        return r.answer[0][0].serial

    def nsupdate(self, zone, commands, key=None, timeout=30):
        """Send one dynamic update (a list of nsupdate commands, e.g.
        "update add x.example.com. 300 A 192.0.2.1") signed with key."""
        key = key or self.zones[zone.rstrip(".")].update_key or self.keys[0]
        script = "server 127.0.0.1 %d\nzone %s\n%s\nsend\n" % (
            self.port, zone, "\n".join(commands))
        r = subprocess.run([NSUPDATE, "-y", "%s:%s:%s" % (key.alg, key.name, key.secret)],
                           input=script.encode(), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout)
        if r.returncode != 0:
            raise RuntimeError("nsupdate failed: %s" % r.stdout.decode(errors="replace"))

    def rndc(self, *args, timeout=60):
        r = subprocess.run([RNDC, "-s", "127.0.0.1", "-p", str(self.rndc_port),
                            "-k", os.path.join(self.dir, "rndc.key")] + list(args),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
        if r.returncode != 0:
            raise RuntimeError("rndc %s failed: %s" % (" ".join(args), r.stdout.decode(errors="replace")))
        return r.stdout.decode(errors="replace")

    def rewrite(self, zone, text, timeout=30):
        """Replace a static zone's file and reload it; named records the
        difference in the journal (ixfr-from-differences), so a secondary
        can fetch it by IXFR. Waits until the new serial is served."""
        self.write_zone(zone, text)
        before = self.serial(zone)
        self.rndc("reload", zone.rstrip("."))
        deadline = time.monotonic() + timeout
        while self.serial(zone) == before:
            if time.monotonic() > deadline:
                raise RuntimeError("zone %s not reloaded within %ds" % (zone, timeout))
            time.sleep(0.05)


# rndc only ever talks to 127.0.0.1 inside one test; a fixed key is fine.
_RNDC_SECRET = "bm90aWZ5NTMtdGVzdC1ybmRjLWtleS0wMDAwMDAwMDA="
