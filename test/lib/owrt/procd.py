"""A model of OpenWrt's procd service manager for the tests: the part that
`ubus call service ...` reaches (service/service.c and service/instance.c
of the openwrt/procd repository), written for the tests, not a copy. It
runs real processes, chrooted into a router's root file system, and
answers the ubus model (test/lib/owrt/ubus) through two FIFOs there.

Behaviour reproduced:
- "set" replaces a service's instances (vlist_update/vlist_flush): an
  instance in the message and running is updated, a new one started, and
  every running instance the message leaves out is stopped, so a message
  with "instances": {} stops them all; "add" keeps the ones left out.
- An instance's configuration changes (instance_config_changed) when its
  command, env, file checksums (MD5 of each "file" at the time of the
  message), nice, user, group, pidfile, respawn values, limits or errors
  differ. A running instance whose configuration changed gets its
  reload_signal when it has one (instance_restart), else SIGTERM and a
  start with the new configuration; an unchanged one is left alone.
- An instance with an "error" param or without a command is not started.
- Stopping: SIGTERM, then SIGKILL after term_timeout (default 5 s).
- Respawn: an instance with "respawn" that exits is started again after
  respawn_timeout seconds, until respawn_retry quick exits in a row.
- stdout/stderr true: the lines become syslog lines (info/err) tagged with
  the command's name and pid, as instance_stdio does.
- "delete" stops a service's instances and forgets it; "signal" signals
  them (SIGHUP by default); "list" reports instances, running and pid.
Not modelled: triggers, validation, jails, seccomp, watchdog, netdev
ifindex, the "container" object.
"""
import hashlib
import json
import os
import resource
import signal
import subprocess
import threading
import time

RLIMITS = {"as": resource.RLIMIT_AS, "core": resource.RLIMIT_CORE,
           "cpu": resource.RLIMIT_CPU, "data": resource.RLIMIT_DATA,
           "fsize": resource.RLIMIT_FSIZE, "memlock": resource.RLIMIT_MEMLOCK,
           "nofile": resource.RLIMIT_NOFILE, "nproc": resource.RLIMIT_NPROC,
           "rss": resource.RLIMIT_RSS, "stack": resource.RLIMIT_STACK}


class Instance:
    def __init__(self, procd, service, name, cfg):
        self.procd, self.service, self.name = procd, service, name
        self.cfg = cfg
        cmd = cfg.get("command")
        self.valid = isinstance(cmd, list) and len(cmd) > 0 and all(
            isinstance(a, str) for a in cmd)
        # instance_file_update: the checksum of each file as it is now.
        self.md5 = [self._md5(f) for f in cfg.get("file", [])]
        resp = [int(v) for v in cfg.get("respawn", [])[:3]] if "respawn" in cfg else None
        vals = [3600, 5, 5]
        for i, v in enumerate(resp or []):
            vals[i] = v
        self.respawn = resp is not None
        self.respawn_vals = vals
        self.proc = None
        self.halt = False
        self.crashes = 0

    def _md5(self, path):
        try:
            with open(self.procd.root + path, "rb") as f:
                return hashlib.md5(f.read()).hexdigest()
        except OSError:
            return "0" * 32

    def key(self):
        """What instance_config_changed compares."""
        c = self.cfg
        return (c.get("command"), c.get("env"), c.get("netdev"), self.md5, c.get("nice"),
                c.get("facility"), c.get("user"), c.get("group"), c.get("pidfile"),
                self.respawn_vals if self.respawn else None, c.get("seccomp"),
                c.get("limits"), c.get("error"))

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def _child(self):
        os.chroot(self.procd.root)
        os.chdir("/")
        for k, v in (self.cfg.get("limits") or {}).items():
            if k in RLIMITS:
                cur, _, mx = v.partition(" ")
                inf = resource.RLIM_INFINITY
                resource.setrlimit(RLIMITS[k], (inf, inf) if v == "unlimited" else
                                   (int(cur), int(mx or cur)))
        os.setsid()

    def start(self):
        if self.cfg.get("error") or not self.valid or self.running():
            return
        self.halt = False
        out = subprocess.PIPE if self.cfg.get("stdout") else subprocess.DEVNULL
        err = subprocess.PIPE if self.cfg.get("stderr") else subprocess.DEVNULL
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
        env.update(self.cfg.get("env") or {})
        self.proc = subprocess.Popen(self.cfg["command"], stdin=subprocess.DEVNULL, stdout=out,
                                     stderr=err, env=env, preexec_fn=self._child)
        self.started = time.monotonic()
        tag = "%s[%d]" % (os.path.basename(self.cfg["command"][0]), self.proc.pid)
        for stream, prio in ((self.proc.stdout, "info"), (self.proc.stderr, "err")):
            if stream is not None:
                threading.Thread(target=self._stdio, args=(stream, prio, tag),
                                 daemon=True).start()
        threading.Thread(target=self._wait, args=(self.proc,), daemon=True).start()

    def _stdio(self, stream, prio, tag):
        for raw in stream:
            self.procd.log("daemon.%s %s: %s" % (prio, tag, raw.decode(errors="replace").rstrip()))

    def _wait(self, proc):
        proc.wait()
        if self.proc is not proc or self.halt or not self.respawn:
            return
        threshold, timeout, retry = self.respawn_vals
        if time.monotonic() - self.started < threshold:
            self.crashes += 1
        else:
            self.crashes = 0
        if retry > 0 and self.crashes > retry:
            self.procd.log("daemon.info procd: Instance %s::%s s in a crash loop"
                           % (self.service, self.name))
            return
        time.sleep(timeout)
        if self.proc is proc and not self.halt:
            self.start()

    def stop(self):
        self.halt = True
        if not self.running():
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(self.cfg.get("term_timeout", 5))
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def update(self, new):
        """instance_update: new's configuration taken over by this one."""
        changed = not self.valid or self.key() != new.key()
        if not self.running() or self.halt:
            self._take(new)
            self.start()
            return
        if changed:
            # instance_restart comes before instance_config_move: the
            # running instance's own reload_signal decides.
            sig = self.cfg.get("reload_signal")
            if sig:
                self.proc.send_signal(sig)
            else:
                self.stop()
                self._take(new)
                self.start()
                return
        self._take(new)

    def _take(self, new):
        self.cfg, self.md5, self.valid = new.cfg, new.md5, new.valid
        self.respawn, self.respawn_vals = new.respawn, new.respawn_vals

    def dump(self):
        d = {"running": self.running(), "command": self.cfg.get("command"),
             "term_timeout": self.cfg.get("term_timeout", 5)}
        if self.running():
            d["pid"] = self.proc.pid
        return d


class Procd:
    """procd for the root file system at root: start() listens, stop() ends
    every instance. calls: every (method, message) received; logs: every
    syslog line (the chroot's /dev/log and the instances' stdio)."""

    def __init__(self, root):
        self.root = root
        self.services = {}
        self.calls = []
        self.logs = []
        self.cond = threading.Condition()
        self.lock = threading.Lock()
        self.dir = os.path.join(root, "var/run/ubus-model")

    def log(self, line):
        with self.cond:
            self.logs.append(line)
            self.cond.notify_all()

    def wait_log(self, pattern, timeout, since=0):
        import re
        rx = re.compile(pattern)
        end = time.monotonic() + timeout
        with self.cond:
            while True:
                for line in self.logs[since:]:
                    if rx.search(line):
                        return line
                left = end - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)

    def start(self):
        import socket
        os.makedirs(self.dir, exist_ok=True)
        for f in ("request", "reply"):
            p = os.path.join(self.dir, f)
            if not os.path.exists(p):
                os.mkfifo(p, 0o600)
        devlog = os.path.join(self.root, "dev/log")
        if os.path.exists(devlog):
            os.unlink(devlog)
        self.syslog = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.syslog.bind(devlog)
        os.chmod(devlog, 0o666)
        threading.Thread(target=self._syslog, daemon=True).start()
        threading.Thread(target=self._serve, daemon=True).start()

    def _syslog(self):
        while True:
            try:
                data = self.syslog.recv(65536)
            except OSError:
                return
            self.log(data.decode(errors="replace"))

    def _serve(self):
        while True:
            with open(os.path.join(self.dir, "request")) as f:
                line = f.readline()
            if not line:
                continue
            method, _, text = line.rstrip("\n").partition("\t")
            try:
                msg = json.loads(text)
                rc, reply = self.call(method, msg)
            except ValueError:
                msg, rc, reply = text, 2, None
            with self.cond:
                self.calls.append((method, msg))
                self.cond.notify_all()
            with open(os.path.join(self.dir, "reply"), "w") as f:
                f.write("%d\t%s\n" % (rc, json.dumps(reply) if reply is not None else ""))

    def call(self, method, msg):
        """ubus status (0 ok, 2 invalid argument, 4 not found) and reply."""
        with self.lock:
            name = msg.get("name")
            if method in ("set", "add"):
                if not isinstance(name, str):
                    return 2, None
                svc = self.services.setdefault(name, {})
                if "instances" in msg:
                    new = {}
                    for iname, cfg in msg["instances"].items():
                        if isinstance(cfg, dict):
                            new[iname] = Instance(self, name, iname, cfg)
                    for iname, inst in new.items():
                        if iname in svc:
                            svc[iname].update(inst)
                        else:
                            svc[iname] = inst
                            if msg.get("autostart", True):
                                inst.start()
                    if method == "set":
                        for iname in [i for i in svc if i not in new]:
                            svc.pop(iname).stop()
                return 0, None
            if method == "delete":
                svc = self.services.get(name)
                if svc is None:
                    return 4, None
                if "instance" in msg:
                    inst = svc.pop(msg["instance"], None)
                    if inst is None:
                        return 4, None
                    inst.stop()
                    return 0, None
                for inst in svc.values():
                    inst.stop()
                del self.services[name]
                return 0, None
            if method == "signal":
                svc = self.services.get(name)
                if svc is None:
                    return 4, None
                for iname, inst in svc.items():
                    if "instance" not in msg or msg["instance"] == iname:
                        if inst.running():
                            inst.proc.send_signal(msg.get("signal", signal.SIGHUP))
                return 0, None
            if method == "list":
                out = {}
                for sname, svc in self.services.items():
                    if name and sname != name:
                        continue
                    out[sname] = {"instances": dict((i, inst.dump()) for i, inst in svc.items())}
                return 0, out
            return 2, None

    def pid(self, service, instance="instance1"):
        inst = self.services.get(service, {}).get(instance)
        return inst.proc.pid if inst is not None and inst.running() else None

    def stop(self):
        with self.lock:
            for svc in self.services.values():
                for inst in svc.values():
                    inst.stop()
            self.services.clear()
        self.syslog.close()
