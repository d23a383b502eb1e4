"""Helpers for the Route 53 client integration tests (test/it_r53_*.py):
a private HOME with no AWS files, an environment without AWS_* variables
(instance metadata disabled: tests never reach a link-local address), a
notify53 config pointing at the emulator, and runners for test/tool_r53
and the notify53 binary that parse their output.
"""
import json
import os
import shutil
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
BIN = os.environ.get("NOTIFY53_TESTBIN", os.path.join(ROOT, "build", "check",
                                                      "test"))
TOOL = os.path.join(BIN, "tool_r53")
NOTIFY53 = os.environ.get("NOTIFY53", os.path.join(ROOT, "build", "check",
                                                   "notify53"))


class Home(object):
    """A temporary HOME (removed on exit) and the environment to run in."""

    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix="r53-test-")
        os.mkdir(os.path.join(self.dir, ".aws"), 0o700)
        return self

    def __exit__(self, *a):
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.dir, name)

    def write(self, name, text, mode=0o600):
        p = self.path(name)
        with open(p, "w") as f:
            f.write(text)
        os.chmod(p, mode)
        return p

    def env(self, **kw):
        # No AWS_* and no proxy settings from the caller's environment:
        # the tests reach the emulator on loopback directly, unless they
        # set a proxy themselves (test/it_proxy.py).
        env = dict((k, v) for k, v in os.environ.items()
                   if not k.startswith("AWS_") and k.lower() not in (
                       "http_proxy", "https_proxy", "no_proxy", "all_proxy"))
        env["HOME"] = self.dir
        env["AWS_EC2_METADATA_DISABLED"] = "true"
        for k, v in kw.items():
            if v is None:
                env.pop(k, None)
            else:
                env[k] = v
        return env

    def config(self, emu, name="config.json", keys=True, **aws):
        """A notify53 config for emu; keys: the emulator's first key pair
        in aws.access_key_id/secret_access_key (and session_token); aws
        overrides, None removes a key."""
        a = {"endpoint": emu.url, "max_requests_per_second": 1000}
        if emu.ca_file:
            a["ca_file"] = emu.ca_file
        if keys:
            parts = emu.credentials[0].split(":", 2)
            a["access_key_id"], a["secret_access_key"] = parts[0], parts[1]
            if len(parts) > 2:
                a["session_token"] = parts[2]
        a.update(aws)
        a = dict((k, v) for k, v in a.items() if v is not None)
        return self.write(name, json.dumps({
            "domains_to_manage_from_aws": True,
            "notify_servers": ["127.0.0.1"], "aws": a}))


def run_tool(cfg, ops, env, timeout=120, args=()):
    """Run tool_r53; returns (results, calls, process). Each result is a dict
    of the "result" line with "errors", "messages", "found" (zone lines),
    "pick"."""
    p = subprocess.run([TOOL, "-c", cfg] + list(args) + list(ops),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout, env=env, universal_newlines=True)
    return parse_tool(p.stdout) + (p,)


def parse_tool(out):
    results, calls = [], {}
    for line in out.splitlines():
        w = line.split(" ")
        if w[0] == "result":
            r = {"index": int(w[1]), "kind": w[2], "errors": [], "messages": [],
                 "found": [], "pick": None}
            for kv in w[3:]:
                k, v = kv.split("=", 1)
                r[k] = int(v) if v.isdigit() else v
            results.append(r)
        elif w[0] == "error" and results:
            results[-1]["errors"].append(line[6:])
        elif w[0] == "message" and results:
            results[-1]["messages"].append(line[8:])
        elif w[0] == "zone" and results:
            results[-1]["found"].append({"id": w[1], "name": w[2],
                                         "private": w[3] == "private",
                                         "count": int(w[4])})
        elif w[0] == "pick" and results:
            results[-1]["pick"] = line[5:]
        elif w[0] == "calls":
            calls = dict((k, int(v)) for k, v in
                         (kv.split("=") for kv in w[1:]))
    return results, calls


def run_notify53(args, env, timeout=120):
    return subprocess.run([NOTIFY53] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=timeout, env=env,
                          universal_newlines=True)


def api_log(emu, since=0):
    """The emulator's log of Route 53 API requests (not STS, IMDS, ECS or
    admin)."""
    return [x for x in emu.log(since) if x.get("op") not in
            ("IMDS", "ECS", "Unknown", None) and x.get("service") != "sts"]
