#!/usr/bin/python3
"""Integration: the OpenWrt package on a router's root file system, run
under models of OpenWrt's own service machinery (test/lib/owrt/):
rc.common, procd.sh with its JSON, ubus, and procd itself, which starts,
signals and stops the real daemon. Each model says at its top which
behaviour of which OpenWrt file it reproduces.

The root file system is made as an image build makes it: the package's
files from its Package/notify53/install (through a stand-in of OpenWrt's
package.mk), the notify53 user added from Require-User (USERID) as
default_postinst and add_group_and_user in OpenWrt's
package/base-files/files/lib/functions.sh do with IPKG_INSTROOT set, the
package's postinst run with IPKG_INSTROOT set, the init script enabled, and
every file then owned by root (mksquashfs -root-owned in include/image.mk).
busybox is its shell and tools; everything runs chrooted into it. The
config points the daemon at loopback only: a closed port as the primary
and as the AWS endpoint, so no sync starts.

(a) boot: procd gets one instance with the package's parameters; the
    daemon answers NOTIFY; the config is now notify53's, mode 600.
(b) reload after an edit: procd sends SIGHUP (the file's checksum changed);
    the daemon, now notify53, re-reads the file: the new port answers,
    same process. With the config left root's this fails (the image-build
    defect).
(c) reload, restart and a fresh start with an invalid config: exit status
    non-zero, the reason on the console and in syslog, procd not told
    (no ubus call), the running daemon still running with the old config;
    nothing registered after the fresh start.
(d) stop: procd deletes the service, the daemon is gone.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib", "owrt"))
import tap  # noqa: E402
from notifyprobe import notify, pick_port, udp  # noqa: E402
from procd import Procd  # noqa: E402

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OWRT = os.path.join(TOP, "test", "lib", "owrt")
BIN = os.environ.get("NOTIFY53_PLAIN") or os.environ["NOTIFY53"]
CONF = "/etc/notify53/config.json"


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          timeout=120, **kw)


def copy_with_libs(root, path, dest=None):
    """path into root (at dest, else the same path; already there is fine)
    with the shared libraries ldd names, at their own paths."""
    dest = dest or path
    if os.path.abspath(path) != os.path.abspath(root + dest):
        os.makedirs(os.path.dirname(root + dest), exist_ok=True)
        shutil.copy2(path, root + dest)
    for line in run(["ldd", path]).stdout.splitlines():
        parts = line.split()
        lib = parts[2] if "=>" in parts and len(parts) > 2 else parts[0]
        if lib.startswith("/") and not os.path.exists(root + lib):
            os.makedirs(os.path.dirname(root + lib), exist_ok=True)
            shutil.copy2(lib, root + lib)


def package(tmp):
    """The package's files as Package/notify53/install lays them out, with
    CONTROL/ (control, conffiles, postinst-pkg)."""
    top = os.path.join(tmp, "owrt")
    os.makedirs(os.path.join(top, "include"))
    os.makedirs(os.path.join(top, "package"))
    shutil.copy(os.path.join(OWRT, "rules.mk"), top)
    shutil.copy(os.path.join(OWRT, "package.mk"), os.path.join(top, "include"))
    os.symlink(os.path.join(TOP, "tools", "openwrt"), os.path.join(top, "package", "notify53"))
    build = os.path.join(tmp, "pkgbuild")
    os.makedirs(build)
    shutil.copy2(BIN, os.path.join(build, "notify53"))
    r = run(["make", "-s", "-C", os.path.join(top, "package", "notify53"), "TOPDIR=" + top,
             "PKG_BUILD_DIR=" + build, "ipkg"])
    tap.ok(r.returncode == 0, "the package's install step and control data", r.stderr)
    return os.path.join(top, "ipkg")


def image(tmp, ipkg, port, closed):
    """The root file system of an image with the package in it."""
    root = os.path.join(tmp, "root")
    for d in ("bin", "sbin", "usr/bin", "usr/sbin", "etc/init.d", "etc/rc.d", "lib/functions",
              "var/run", "var/lock", "dev", "tmp", "usr/lib/opkg/info"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    copy_with_libs(root, shutil.which("busybox"), "/bin/busybox")
    for applet in run(["busybox", "--list"]).stdout.split():
        if not os.path.lexists(os.path.join(root, "bin", applet)):
            os.symlink("busybox", os.path.join(root, "bin", applet))
    # base-files' accounts.
    with open(os.path.join(root, "etc/passwd"), "w") as f:
        f.write("root:x:0:0:root:/root:/bin/ash\nnobody:*:65534:65534:nobody:/var:/bin/false\n")
    with open(os.path.join(root, "etc/group"), "w") as f:
        f.write("root:x:0:\nnogroup:x:65534:\n")
    open(os.path.join(root, "etc/shadow"), "w").close()
    try:
        os.mknod(os.path.join(root, "dev/null"), 0o20666, os.makedev(1, 3))
    except OSError:
        open(os.path.join(root, "dev/null"), "w").close()
    os.chmod(os.path.join(root, "dev/null"), 0o666)
    shutil.copy(os.path.join(OWRT, "rc.common"), os.path.join(root, "etc/rc.common"))
    shutil.copy(os.path.join(OWRT, "procd.sh"), os.path.join(root, "lib/functions/procd.sh"))
    shutil.copy(os.path.join(OWRT, "ubus"), os.path.join(root, "usr/bin/ubus"))

    # opkg's offline install into IPKG_INSTROOT: the files, the package's
    # info files, then default_postinst.
    files = []
    for dirpath, dirs, names in os.walk(ipkg):
        dirs[:] = [d for d in dirs if d != "CONTROL"]
        for n in names:
            files.append(os.path.relpath(os.path.join(dirpath, n), ipkg))
    for rel in files:
        os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
        shutil.copy2(os.path.join(ipkg, rel), os.path.join(root, rel))
    if os.path.exists(os.path.join(root, "usr/sbin/notify53")):
        copy_with_libs(root, os.path.join(root, "usr/sbin/notify53"), "/usr/sbin/notify53")
    info = os.path.join(root, "usr/lib/opkg/info/notify53")
    for f in ("control", "conffiles", "postinst-pkg"):
        shutil.copy(os.path.join(ipkg, "CONTROL", f), info + "." + f)
    with open(info + ".list", "w") as f:
        f.write("".join("/%s\n" % rel for rel in sorted(files)))
    add_group_and_user(root, info + ".control")
    env = dict(os.environ, IPKG_INSTROOT=root)
    r = run(["sh", "-c", '( . "$1" )', "sh", info + ".postinst-pkg"], env=env)
    tap.ok(r.returncode == 0, "image build: the package's postinst with IPKG_INSTROOT set",
           r.stderr)
    r = run(["sh", os.path.join(root, "etc/rc.common"), os.path.join(root, "etc/init.d/notify53"),
             "enable"], env=env)
    tap.ok(os.path.islink(os.path.join(root, "etc/rc.d/S95notify53")),
           "image build: the init script enabled (S95)", r.stderr)

    write_config(root, port, closed)
    # mksquashfs -root-owned: every file of the image is root's.
    for dirpath, dirs, names in os.walk(root):
        for n in dirs + names:
            os.lchown(os.path.join(dirpath, n), 0, 0)
    return root


def add_group_and_user(root, control):
    """functions.sh's add_group_and_user for "Require-User: user=uid:group=gid"
    (group_add, user_add with home /var/run/NAME and shell /bin/false,
    group_add_user), writing the image's /etc files."""
    with open(control) as f:
        rusers = [line.split(":", 1)[1].strip() for line in f if line.startswith("Require-User:")]
    tap.eq(rusers, ["notify53=5300:notify53=5300"],
           "USERID: the notify53 user and group with a fixed uid and gid")
    with open(control) as f:
        tap.ok(any(line.startswith("Maintainer: ") and "<" in line for line in f),
               "the package names its maintainer (PKG_MAINTAINER)")
    for tuple_ in " ".join(rusers).split():
        (uname, uid), (gname, gid) = [x.split("=") for x in tuple_.split(":")[:2]]
        with open(os.path.join(root, "etc/group"), "a") as f:
            f.write("%s:x:%s:%s\n" % (gname, gid, uname))
        with open(os.path.join(root, "etc/passwd"), "a") as f:
            f.write("%s:x:%s:%s:%s:/var/run/%s:/bin/false\n" % (uname, uid, gid, uname, uname))
        with open(os.path.join(root, "etc/shadow"), "a") as f:
            f.write("%s:x:0:0:99999:7:::\n" % uname)


def write_config(root, port, closed, text=None):
    """The router's config: NOTIFY on loopback, the primary and the AWS
    endpoint a closed loopback port, the state file in RAM."""
    if text is None:
        text = json.dumps({
            "listen": ["127.0.0.1:%d" % port], "notify_servers": ["127.0.0.1"],
            "zones": [{"name": "example.test", "primaries": ["127.0.0.1:%d" % closed]}],
            "aws": {"access_key_id": "AKID", "secret_access_key": "SECRET",
                    "endpoint": "https://127.0.0.1:%d" % closed},
            "user": "notify53", "group": "notify53",
            "state_file": "/var/run/notify53/state.json"})
    path = root + CONF
    with open(path, "w") as f:
        f.write(text)


def answers(port):
    r = udp(notify("example.test.").to_wire(), port, timeout=1)
    return r is not None


def wait_answers(port, timeout=10):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if answers(port):
            return True
    return False


def main():
    port1 = pick_port()
    port2 = pick_port(exclude=(port1,))
    closed = pick_port(exclude=(port1, port2))
    tmp = tempfile.mkdtemp(prefix="it-openwrt-")
    procd = None
    try:
        ipkg = package(tmp)
        root = image(tmp, ipkg, port1, closed)
        procd = Procd(root)
        procd.start()

        def init(action):
            calls, logs = len(procd.calls), len(procd.logs)
            r = run(["chroot", root, "/etc/init.d/notify53", action],
                    env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
            return r, procd.calls[calls:], logs

        st = os.stat(root + CONF)
        tap.ok(st.st_uid == 0 and st.st_mode & 0o777 == 0o600,
               "the image as built: config root's, mode 600")

        # (a) boot
        r, calls, logs = init("boot")
        tap.eq(r.returncode, 0, "(a) boot: exit 0")
        inst = None
        if len(calls) == 1 and calls[0][0] == "set":
            inst = calls[0][1].get("instances", {}).get("instance1")
        tap.ok(inst is not None, "(a) boot: one ubus call service set with instance1", calls)
        inst = inst or {}
        tap.eq(inst.get("command"), ["/usr/sbin/notify53", "daemon", "-c", CONF, "--syslog"],
               "(a) procd instance: command")
        tap.eq((inst.get("file"), inst.get("reload_signal")), ([CONF], 1),
               "(a) procd instance: the config's checksum watched, SIGHUP (1) to reload")
        tap.eq((inst.get("respawn"), inst.get("stdout"), inst.get("stderr"),
                inst.get("term_timeout")), (["3600", "5", "5"], True, True, 5),
               "(a) procd instance: respawn (procd.sh's defaults), stdout and stderr to "
               "syslog, term_timeout 5")
        tap.eq(inst.get("limits"), {"nofile": "128 128", "core": "0 0"},
               "(a) procd instance: limits nofile and core")
        tap.ok(procd.wait_log(r"notify53\[\d+\]: daemon: ready", 15, logs),
               "(a) the daemon logs ready to syslog", "\n".join(procd.logs[-10:]))
        pid = procd.pid("notify53")
        tap.ok(pid and answers(port1), "(a) the daemon answers NOTIFY")
        st = os.stat(root + CONF)
        tap.eq((st.st_uid, st.st_gid, st.st_mode & 0o777), (5300, 5300, 0o600),
               "(a) the config is notify53's (5300:5300), mode 600, before the daemon reads it")
        tap.ok(pid and os.stat("/proc/%d" % pid).st_uid == 5300,
               "(a) the daemon runs as notify53 after binding")

        # (b) reload after an edit
        write_config(root, port2, closed)
        r, calls, logs = init("reload")
        tap.eq(r.returncode, 0, "(b) reload of an edited config: exit 0")
        tap.ok(procd.wait_log(r"configuration reloaded", 10, logs),
               "(b) the daemon (as notify53) re-read the file on procd's SIGHUP",
               "\n".join(procd.logs[logs:]))
        tap.ok(wait_answers(port2), "(b) the new port answers")
        tap.eq(procd.pid("notify53"), pid, "(b) ... the same process")

        # (c) invalid configs
        with open(root + CONF) as f:
            good = f.read()
        for action in ("reload", "restart"):
            write_config(root, port2, closed, '{"zones": [')
            r, calls, logs = init(action)
            tap.ok(r.returncode != 0, "(c) %s of an invalid config: exit status %d"
                   % (action, r.returncode))
            tap.ok("is invalid" in r.stderr and CONF in r.stderr,
                   "(c) %s: the reason on the console" % action, r.stderr)
            tap.ok(procd.wait_log(r"notify53: .*is invalid", 5, logs),
                   "(c) %s: the reason in syslog" % action)
            tap.eq(calls, [], "(c) %s: procd not told anything" % action)
            tap.ok(procd.pid("notify53") == pid and answers(port2),
                   "(c) %s: the daemon runs on, old config in force" % action)
            write_config(root, port2, closed, good)

        # (d) stop
        r, calls, logs = init("stop")
        tap.ok(r.returncode == 0 and [c[0] for c in calls] == ["delete"],
               "(d) stop: ubus call service delete", calls)
        gone = False
        for _ in range(100):
            if not os.path.exists("/proc/%d" % pid):
                gone = True
                break
            time.sleep(0.05)
        tap.ok(gone and not answers(port2), "(d) the daemon is gone")

        # (c) a fresh start with an invalid config
        write_config(root, port2, closed, '{"zones": 1}')
        r, calls, logs = init("start")
        tap.ok(r.returncode != 0 and "is invalid" in r.stderr,
               "(c) start with an invalid config: exit %d, the reason on the console"
               % r.returncode, r.stderr)
        tap.eq(calls, [], "(c) start with an invalid config: no service registered with procd")
        tap.eq(procd.call("list", {})[1], {}, "(c) ... procd lists no notify53 service")
        write_config(root, port2, closed, good)
        r, calls, logs = init("start")
        tap.ok(r.returncode == 0 and wait_answers(port2), "(c) fixed, start: the daemon answers")
        init("stop")
    finally:
        if procd:
            procd.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    tap.done()


if __name__ == "__main__":
    if os.geteuid() != 0:
        tap.skip("the OpenWrt package in an image-built root file system",
                 "needs root (chroot, file owners)")
        tap.done()
    main()
