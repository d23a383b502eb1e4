#!/usr/bin/python3
"""Benchmark: NOTIFY listener reply latency, idle and under a flood.

Prints figures, asserts nothing about time (make bench). tool_notify (the
-O2 build without sanitizers, NOTIFY53_TESTBIN) listens on 127.0.0.1:
- reply latency of 500 good NOTIFYs sent one after another from rotating
  sources (127.0.1.1-250, so the per-source rate limit does not apply),
  median, p99 and max, as the primary sees it (Python's send-to-receive
  time);
- the same while FLOOD malformed packets (from an allowed source, which
  gets FORMERR until its rate limit, and a disallowed one) are sent as fast
  as Python can; the listener's handling rate (its counters over the
  flood's duration) and how many packets the kernel dropped before the
  listener saw them.
"""
import os
import signal
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from notifyprobe import Tool, notify, pick_port, send_flood, udp  # noqa: E402

TESTBIN = os.environ.get("NOTIFY53_TESTBIN", "build/bench/test")
FLOOD = int(os.environ.get("BENCH_FLOOD", "200000"))
PROBES = 500


def stats(tool):
    tool.proc.send_signal(signal.SIGUSR1)
    line, _ = tool.wait(lambda l: l.startswith("stats "), 10)
    return {k: int(v) for k, v in (kv.split("=") for kv in line.split()[1:])}


def handled(st):
    return sum(v for k, v in st.items() if k not in ("truncated", "tcp_accepted"))


def probe(port, n, stop=None):
    lat, lost = [], 0
    for i in range(n):
        if stop is not None and stop.is_set():
            break
        wire = notify("example.com.", i, qid=i & 0xffff).to_wire()
        t0 = time.perf_counter()
        # Sources rotate so the per-source rate limit stays out of the way.
        r = udp(wire, port, src="127.0.1.%d" % (1 + i % 250), timeout=1.0)
        if r is None:
            lost += 1
        else:
            lat.append(time.perf_counter() - t0)
    return sorted(lat), lost


def show(what, lat, lost):
    if not lat:
        print("%s: no answers, %d lost" % (what, lost))
        return
    print("%s: %d answers, %d lost; latency median %.3f ms, p99 %.3f ms, max %.3f ms"
          % (what, len(lat), lost, lat[len(lat) // 2] * 1e3, lat[int(len(lat) * 0.99)] * 1e3,
             lat[-1] * 1e3))


def main():
    tmp = tempfile.mkdtemp(prefix="notify53-bench-notify-")
    cfg = os.path.join(tmp, "config.json")
    port = pick_port()
    with open(cfg, "w") as f:
        f.write('{"listen": ["127.0.0.1:%d"], "notify_servers": ["127.0.0.3", "127.0.1.0/24"],'
                ' "zones": [{"name": "example.com"}]}' % port)
    tool = Tool(os.path.join(TESTBIN, "tool_notify"), cfg)
    try:
        if not tool.wait(lambda l: l == "ready", 10)[0]:
            print("tool_notify did not start:\n" + "\n".join(tool.err))
            sys.exit(1)
        lat, lost = probe(port, PROBES)
        show("idle", lat, lost)

        before = stats(tool)
        stop = threading.Event()
        result = {}
        t = threading.Thread(target=lambda: result.update(zip(("lat", "lost"),
                                                              probe(port, 10 ** 6, stop))))
        t.start()
        t0 = time.perf_counter()
        sent = send_flood(port, FLOOD)
        took = time.perf_counter() - t0
        stop.set()
        t.join()
        time.sleep(0.2)
        after = stats(tool)
        seen = handled(after) - handled(before) - len(result["lat"]) - result["lost"]
        show("during a flood of %d malformed packets" % sent, result["lat"], result["lost"])
        print("flood: %d packets in %.2f s (%.0f/s sent); listener handled %d (%.0f/s), "
              "%d dropped by the kernel before the listener read them"
              % (sent, took, sent / took, seen, seen / took, sent - seen))
        print("counters: " + " ".join("%s=%d" % (k, after[k] - before[k]) for k in sorted(after)))
    finally:
        tool.stop()
        os.unlink(cfg)
        os.rmdir(tmp)


if __name__ == "__main__":
    main()
