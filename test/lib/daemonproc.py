"""`notify53 daemon` in the foreground for integration tests and benchmarks
(test/it_daemon_load.py, test/bench/daemon_bench.py):

    d = DaemonProc(NOTIFY53, cfg_path)          # env=: its environment
    t, line = d.wait(r"daemon: ready", 15)      # None on timeout or exit
    mark = d.mark(); ...; d.grep(r"next try in", mark)
    status, seconds = d.stop()                   # SIGTERM, SIGKILL after 120 s

Its stderr lines are collected by a thread with the monotonic time each was
read. It runs in its own process group and gets SIGKILL when the test
process dies (named._die_with_parent), so it never outlives its test.
"""
import re
import signal
import subprocess
import threading
import time

from named import _die_with_parent


class DaemonProc:
    def __init__(self, binary, cfg, args=(), env=None, wrapper=()):
        """wrapper: a command to run it under, e.g. ("valgrind", "-q")."""
        self.proc = subprocess.Popen(list(wrapper) + [binary, "daemon", "-c", cfg] + list(args),
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, env=env,
                                     preexec_fn=_die_with_parent)
        self.lines = []
        self.cond = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for raw in self.proc.stderr:
            with self.cond:
                self.lines.append((time.monotonic(), raw.decode(errors="replace").rstrip("\n")))
                self.cond.notify_all()

    def mark(self):
        """The index the next line will have (for wait/grep since=)."""
        with self.cond:
            return len(self.lines)

    def wait(self, pattern, timeout, since=0):
        """(time, line) of the first line from index since matching
        pattern; None when none came within timeout or the daemon exited."""
        rx = re.compile(pattern)
        end = time.monotonic() + timeout
        with self.cond:
            while True:
                for t, line in self.lines[since:]:
                    if rx.search(line):
                        return t, line
                left = end - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    return None
                self.cond.wait(min(left, 0.2))

    def grep(self, pattern, since=0):
        """Every (time, line) from index since matching pattern."""
        rx = re.compile(pattern)
        with self.cond:
            return [(t, l) for t, l in self.lines[since:] if rx.search(l)]

    def tail(self, n=40):
        with self.cond:
            return "\n".join(l for _, l in self.lines[-n:])

    def stop(self):
        """SIGTERM; (exit status, seconds it took to exit)."""
        if self.proc.poll() is not None:
            return self.proc.returncode, 0.0
        t0 = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(120)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        took = time.monotonic() - t0
        self.reader.join(5)
        return self.proc.returncode, took
