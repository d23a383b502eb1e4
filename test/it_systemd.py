#!/usr/bin/python3
"""Integration: notify53 under systemd, without a running systemd.

The service manager's side of sd_notify(3) is a datagram socket of this
test's own, named to the daemon by NOTIFY_SOCKET as systemd does
(systemd.exec(5), "$NOTIFY_SOCKET"). The daemon is started with the
ExecStart= line of tools/systemd/notify53.service (binary and config paths
pointed at this build), with BIND 9 as the primary and the Route 53
emulator on loopback:

(a) a path socket: READY=1 once "daemon: ready" is logged; STATUS= with
    the zones' state, "1 in sync" after the first sync; SIGHUP:
    RELOADING=1 with MONOTONIC_USEC=, then READY=1 after the reload; an
    invalid config on SIGHUP: the same pair, the old config kept; SIGTERM:
    STOPPING=1, exit status 0. The daemon holds one AF_UNIX socket.
(b) the abstract namespace ("@name"): READY=1, STOPPING=1.
(c) NOTIFY_SOCKET unset: no AF_UNIX socket in the daemon at all.
(d) a manager that never reads: more reloads than its queue
    (net.unix.max_dgram_qlen) holds; every reload completes and NOTIFY is
    answered: the sends never block the loop.
(e) Environment=DEBUG=1 from a drop-in, as `systemctl edit` writes it:
    debug lines; none without it.
(f) the unit as `make install PREFIX=/usr` installs it (and with the
    DEBUG=1 drop-in): `systemd-analyze verify` passes, and
    `systemd-analyze security --offline=true` gives an exposure of 2.0 or
    lower (the figure is printed).
(g) the unit's SystemCallFilter= lets the shipped binary (the static
    ./notify53) do its work: every system call it makes under strace
    through start-up, a sync over TLS, SIGHUP, SIGUSR1 and SIGTERM is in
    the set the unit allows (its groups expanded by
    `systemd-analyze syscall-filter`).
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import tap  # noqa: E402
from daemonproc import DaemonProc  # noqa: E402
from emu import Emu  # noqa: E402
from named import Named, Zone, _die_with_parent  # noqa: E402
from notifyprobe import notify, pick_port, udp  # noqa: E402
from r53tool import NOTIFY53, Home  # noqa: E402

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
UNIT = os.path.join(TOP, "tools", "systemd", "notify53.service")
ZONE = """$ORIGIN example.com.
$TTL 300
@   SOA ns1 hostmaster 2026010101 3600 600 86400 300
@   NS  ns1
ns1 A   192.0.2.1
www A   192.0.2.10
"""
DEBUG_DROPIN = "[Service]\nEnvironment=DEBUG=1\n"


def unit_service(*texts):
    """ExecStart= (split into words) and the Environment= assignments of the
    [Service] sections of a unit and its drop-ins, later ones winning (the
    unit file syntax of systemd.syntax(7): KEY=VALUE lines, '#' comments)."""
    exec_start, env = None, {}
    for text in texts:
        section = None
        for line in text.splitlines():
            line = line.strip()
            if not line or line[0] in "#;":
                continue
            if line.startswith("["):
                section = line
                continue
            if section != "[Service]" or "=" not in line:
                continue
            key, value = line.split("=", 1)
            if key == "ExecStart":
                exec_start = value.split()
            elif key == "Environment":
                for a in value.split():
                    k, v = a.split("=", 1)
                    env[k] = v
    return exec_start, env


def daemon_argv(cfg):
    """The unit's ExecStart, run as this test runs notify53: its binary and
    config path replaced by this build's and the test's."""
    with open(UNIT) as f:
        argv, _ = unit_service(f.read())
    argv = [NOTIFY53 if a == "/usr/sbin/notify53" else cfg if a == "/etc/notify53/config.json"
            else a for a in argv]
    return argv


class Manager:
    """The service manager's notify socket: a path, or '@name'."""

    def __init__(self, name):
        self.name = name
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind("\0" + name[1:] if name.startswith("@") else name)

    def recv(self, timeout):
        """The next message as a dict of its assignments (STATUS= etc.),
        or None when none came within timeout."""
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(4096).decode()
        except socket.timeout:
            return None
        return dict(line.split("=", 1) for line in data.splitlines() if "=" in line)

    def wait(self, pred, timeout):
        """The first message for which pred holds; the messages before it."""
        seen = []
        end = time.monotonic() + timeout
        while True:
            m = self.recv(max(0.01, end - time.monotonic()))
            if m is None:
                return None, seen
            if pred(m):
                return m, seen
            seen.append(m)

    def pending(self):
        n = 0
        while self.recv(0.01) is not None:
            n += 1
        return n

    def close(self):
        self.sock.close()


def write_config(path, port, ns_port, emu, broken=False):
    aws = {"endpoint": emu.url, "ca_file": emu.ca_file, "max_requests_per_second": 1000}
    aws["access_key_id"], aws["secret_access_key"] = emu.credentials[0].split(":", 1)
    text = '{"zones": [' if broken else """{
  "listen": ["127.0.0.1:%d"], "notify_servers": ["127.0.0.1"],
  "zones": [{"name": "example.com", "primaries": ["127.0.0.1:%d"]}],
  "aws": {"endpoint": "%s", "ca_file": "%s", "max_requests_per_second": 1000,
          "access_key_id": "%s", "secret_access_key": "%s"},
  "state_file": "%s"
}""" % (port, ns_port, aws["endpoint"], aws["ca_file"], aws["access_key_id"],
        aws["secret_access_key"], os.path.join(os.path.dirname(path), "state.json"))
    tmp = path + ".tmp"
    with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        f.write(text)
    os.rename(tmp, path)


def unix_sockets(pid):
    """How many AF_UNIX sockets process pid holds (its /proc/PID/fd links
    against the inodes of /proc/net/unix)."""
    with open("/proc/net/unix") as f:
        inodes = set(line.split()[6] for line in list(f)[1:])
    n = 0
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            link = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        m = re.match(r"socket:\[(\d+)\]$", link)
        if m and m.group(1) in inodes:
            n += 1
    return n


def start(cfg, env):
    argv = daemon_argv(cfg)
    tap.ok(argv[:4] == [NOTIFY53, "daemon", "-c", cfg],
           "the unit's ExecStart is notify53 daemon -c CONFIG", argv)
    return DaemonProc(argv[0], cfg, argv[4:], env=env)


def run_path(tmp, cfg, env, port, ns, emu):
    mgr = Manager(os.path.join(tmp, "notify"))
    d = start(cfg, dict(env, NOTIFY_SOCKET=mgr.name))
    try:
        m, _ = mgr.wait(lambda m: "READY" in m, 15)
        tap.ok(m and m.get("READY") == "1", "(a) READY=1", d.tail())
        tap.ok(d.wait(r"daemon: ready", 1), "(a) ... after the daemon logged ready")
        tap.ok(m and re.match(r"1 zones: \d+ in sync", m.get("STATUS", "")),
               "(a) ... with STATUS= saying the zones' state", m)
        tap.eq(unix_sockets(d.proc.pid), 1, "(a) the daemon holds one AF_UNIX socket")
        m, _ = mgr.wait(lambda m: m.get("STATUS", "").startswith("1 zones: 1 in sync"), 15)
        tap.ok(m, "(a) STATUS= 1 zones: 1 in sync once example.com is synced",
               d.tail())
        tap.ok(not d.grep(r"notify53: debug:"), "(e) no debug lines without DEBUG=1")

        mark = d.mark()
        d.proc.send_signal(signal.SIGHUP)
        m, _ = mgr.wait(lambda m: "RELOADING" in m, 10)
        tap.ok(m and m.get("RELOADING") == "1", "(a) SIGHUP: RELOADING=1", m)
        now = time.clock_gettime(time.CLOCK_MONOTONIC) * 1e6
        tap.ok(m and 0 < now - int(m.get("MONOTONIC_USEC", 0)) < 30e6,
               "(a) ... with MONOTONIC_USEC= of the reload", m)
        m, _ = mgr.wait(lambda m: "READY" in m, 10)
        tap.ok(m and m.get("READY") == "1", "(a) ... then READY=1", m)
        tap.ok(d.wait(r"configuration reloaded", 1, mark),
               "(a) ... after the configuration was reloaded")

        write_config(cfg, port, ns.port, emu, broken=True)
        mark = d.mark()
        d.proc.send_signal(signal.SIGHUP)
        m, _ = mgr.wait(lambda m: "RELOADING" in m, 10)
        r, _ = mgr.wait(lambda m: "READY" in m, 10)
        tap.ok(m and r, "(a) SIGHUP with an invalid config: RELOADING=1, then READY=1")
        tap.ok(d.wait(r"keeping the old configuration", 1, mark),
               "(a) ... the old configuration kept")
        write_config(cfg, port, ns.port, emu)

        d.proc.send_signal(signal.SIGTERM)
        m, _ = mgr.wait(lambda m: "STOPPING" in m, 10)
        tap.ok(m and m.get("STOPPING") == "1", "(a) SIGTERM: STOPPING=1", m)
        status, _ = d.stop()
        tap.eq(status, 0, "(a) ... exit status 0")
    finally:
        d.stop()
        mgr.close()


def run_abstract(cfg, env):
    mgr = Manager("@notify53-it-systemd-%d" % os.getpid())
    d = start(cfg, dict(env, NOTIFY_SOCKET=mgr.name))
    try:
        m, _ = mgr.wait(lambda m: "READY" in m, 15)
        tap.ok(m and m.get("READY") == "1", "(b) abstract namespace: READY=1", d.tail())
        d.proc.send_signal(signal.SIGTERM)
        m, _ = mgr.wait(lambda m: "STOPPING" in m, 10)
        tap.ok(m and m.get("STOPPING") == "1", "(b) abstract namespace: STOPPING=1", m)
    finally:
        d.stop()
        mgr.close()


def run_unset(cfg, env):
    env = dict(env)
    env.pop("NOTIFY_SOCKET", None)
    d = start(cfg, env)
    try:
        tap.ok(d.wait(r"daemon: ready", 15), "(c) NOTIFY_SOCKET unset: the daemon is ready")
        tap.eq(unix_sockets(d.proc.pid), 0, "(c) ... and holds no AF_UNIX socket")
    finally:
        d.stop()


def run_full(tmp, cfg, env, port):
    with open("/proc/sys/net/unix/max_dgram_qlen") as f:
        qlen = int(f.read())
    reloads = min(qlen, 200) + 3
    mgr = Manager(os.path.join(tmp, "full"))
    d = start(cfg, dict(env, NOTIFY_SOCKET=mgr.name))
    try:
        done = 0
        if d.wait(r"daemon: ready", 15):
            for _ in range(reloads):
                mark = d.mark()
                d.proc.send_signal(signal.SIGHUP)
                if not d.wait(r"configuration reloaded", 10, mark):
                    break
                done += 1
        tap.eq(done, reloads, "(d) a manager that never reads: %d reloads (%d messages, "
               "queue of %d) all completed" % (reloads, 2 * reloads + 1, qlen))
        r = udp(notify("example.com.").to_wire(), port, timeout=5)
        tap.ok(r is not None, "(d) ... and the daemon still answers NOTIFY")
        tap.ok(mgr.pending() >= qlen, "(d) ... the manager's queue did fill up")
    finally:
        d.stop()
        mgr.close()


def run_debug(cfg, env):
    with open(UNIT) as f:
        _, uenv = unit_service(f.read(), DEBUG_DROPIN)
    tap.eq(uenv.get("DEBUG"), "1", "(e) the unit with the drop-in sets DEBUG=1")
    d = start(cfg, dict(env, **uenv))
    try:
        tap.ok(d.wait(r"notify53: debug:", 15), "(e) DEBUG=1: debug lines", d.tail())
    finally:
        d.stop()


def analyze(tmp):
    root = os.path.join(tmp, "root")
    r = subprocess.run(["make", "-s", "-C", TOP, "install", "PREFIX=/usr", "DESTDIR=" + root],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    tap.ok(r.returncode == 0, "(f) make install PREFIX=/usr DESTDIR=root", r.stdout)
    unit = os.path.join(root, "usr/lib/systemd/system/notify53.service")
    # The unit's dependencies (sysinit.target, network-online.target...)
    # and ExecReload's /bin/kill are looked up under --root: the host's.
    shutil.copytree("/lib/systemd/system", os.path.join(root, "lib/systemd/system"),
                    symlinks=True)
    os.makedirs(os.path.join(root, "bin"), exist_ok=True)
    shutil.copy("/bin/kill", os.path.join(root, "bin/kill"))
    # Documentation=man:notify53(8) is checked with man(1): the page just
    # installed.
    env = dict(os.environ, MANPATH=os.path.join(root, "usr/share/man"))
    cmd = ["systemd-analyze", "verify", "--root=" + root, unit]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    tap.ok(r.returncode == 0 and not r.stdout.strip(),
           "(f) systemd-analyze verify: no complaint", r.stdout)
    dropin = os.path.join(root, "etc/systemd/system/notify53.service.d")
    os.makedirs(dropin)
    with open(os.path.join(dropin, "debug.conf"), "w") as f:
        f.write(DEBUG_DROPIN)
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    tap.ok(r.returncode == 0 and not r.stdout.strip(),
           "(f) systemd-analyze verify with the DEBUG=1 drop-in", r.stdout)
    r = subprocess.run(["systemd-analyze", "security", "--offline=true", "--root=" + root, unit],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    m = re.search(r"Overall exposure level for notify53\.service: ([0-9.]+)", r.stdout)
    level = float(m.group(1)) if m else None
    tap.diag("systemd-analyze security --offline=true: exposure %s" % level)
    for line in r.stdout.splitlines():
        if line.startswith("\u2717"):
            tap.diag("  " + re.sub(r"\s{2,}", "  ", line))
    tap.ok(level is not None and level <= 2.0,
           "(f) systemd-analyze security --offline=true: exposure %s <= 2.0" % level, r.stdout)
    tap.ok(unit_service(open(unit).read())[0][:4] ==
           ["/usr/sbin/notify53", "daemon", "-c", "/etc/notify53/config.json"],
           "(f) the installed unit runs /usr/sbin/notify53 with /etc/notify53/config.json")


def filter_groups():
    """Each group of `systemd-analyze syscall-filter` with its members."""
    out = subprocess.run(["systemd-analyze", "syscall-filter"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True).stdout
    groups, cur = {}, None
    for line in out.splitlines():
        if line.startswith("@"):
            cur = groups.setdefault(line.strip(), [])
        elif cur is not None and line.strip() and not line.strip().startswith("#"):
            cur.append(line.strip())
    return groups


def expand(groups, names):
    out = set()
    for n in names:
        out |= expand(groups, groups.get(n, [])) if n.startswith("@") else {n}
    return out


def allowed_syscalls():
    """What the unit's SystemCallFilter= lines allow: the allow lists' calls
    less the deny (~) lists'."""
    groups = filter_groups()
    allow, deny = set(), set()
    with open(UNIT) as f:
        for line in f:
            if line.startswith("SystemCallFilter="):
                v = line.split("=", 1)[1].strip()
                if v.startswith("~"):
                    deny |= expand(groups, v[1:].split())
                else:
                    allow |= expand(groups, v.split())
    return allow - deny


def run_syscalls(tmp, cfg, env):
    r = subprocess.run(["make", "-s", "-C", TOP, "notify53"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    binary = os.path.join(TOP, "notify53")
    tap.ok(r.returncode == 0, "(g) the static binary built", r.stdout)
    trace, log = os.path.join(tmp, "strace"), os.path.join(tmp, "daemon.log")
    mgr = Manager(os.path.join(tmp, "sc"))
    with open(log, "w") as err:
        p = subprocess.Popen(["strace", "-f", "-qq", "-o", trace, binary, "daemon", "-c", cfg],
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                             env=dict(env, NOTIFY_SOCKET=mgr.name), preexec_fn=_die_with_parent)
    steps = []
    try:
        m, _ = mgr.wait(lambda m: m.get("STATUS", "").startswith("1 zones: 1 in sync"), 30)
        steps.append(bool(m))
        with open("/proc/%d/task/%d/children" % (p.pid, p.pid)) as f:
            pid = int(f.read().split()[0])
        os.kill(pid, signal.SIGHUP)
        m, _ = mgr.wait(lambda m: "READY" in m, 10)
        steps.append(bool(m))
        os.kill(pid, signal.SIGUSR1)
        end = time.monotonic() + 10
        while time.monotonic() < end and "primary serial" not in open(log).read():
            time.sleep(0.05)
        steps.append("primary serial" in open(log).read())
        os.kill(pid, signal.SIGTERM)
        p.wait(20)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        mgr.close()
    tap.ok(all(steps) and p.returncode == 0,
           "(g) under strace: synced, reloaded, SIGUSR1 logged, SIGTERM exit 0", steps)
    used = set()
    with open(trace) as f:
        for line in f:
            m = re.match(r"\d+\s+([a-z0-9_]+)\(", line)
            if m:
                used.add(m.group(1))
    tap.diag("system calls made: %s" % " ".join(sorted(used)))
    allowed = allowed_syscalls()
    tap.ok(len(allowed) > 100, "(g) the unit's filter expanded: %d calls allowed" % len(allowed))
    tap.eq(sorted(used - allowed), [],
           "(g) every system call the daemon made is one SystemCallFilter= allows")


def main():
    port = pick_port()
    tmp = tempfile.mkdtemp(prefix="it-systemd-")
    cfg = os.path.join(tmp, "config.json")
    zones = [Zone("example.com", ZONE, also_notify=[("127.0.0.1", port)])]
    try:
        with Home() as home, Named(zones) as ns, Emu(rate=1000, burst=1000) as emu:
            emu.create_zone("example.com.")
            write_config(cfg, port, ns.port, emu)
            env = home.env(DEBUG=None, NOTIFY_SOCKET=None)
            run_path(tmp, cfg, env, port, ns, emu)
            run_abstract(cfg, env)
            run_unset(cfg, env)
            run_full(tmp, cfg, env, port)
            run_debug(cfg, env)
            run_syscalls(tmp, cfg, env)
        analyze(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    tap.done()


if __name__ == "__main__":
    main()
