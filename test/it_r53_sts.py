#!/usr/bin/python3
"""Temporary credentials end to end against the emulator's STS and Route 53
over TLS (tool_r53 drives src/aws/r53 and src/aws/creds):

(a) role chaining through two profiles: AWS_PROFILE=dns-admin assumes
    dns-admin with the keys of base-role, itself assumed with the static
    keys of profile keys; ExternalId and RoleSessionName sent; Route 53
    signed with the last role's keys and token;
(b) credential_source Environment with aws.profile (the environment's keys
    assume the role instead of being used);
(c) the role in notify53's own config (aws.role_arn with aws keys);
(d) web identity from AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN,
    unsigned; the token file rotated (the old token refused from then on):
    the refresh sends the new one, and no Route 53 call fails;
(e) credential_process with keys expiring after a few seconds: run again
    before they expire, no Route 53 call refused (no ExpiredToken);
(f) a process that hangs: killed at aws.credential_process_timeout and
    reaped; one printing garbage; one failing: clear errors, its stderr in
    the log, no Route 53 request, no secret printed;
(g) AccessDenied: 'profile "denied": AssumeRole: AccessDenied: User: ...'.
Nothing is timed: every wait is for an event (a result line, the
emulator's request log, a file) with a generous bound.
"""
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "test", "lib"))
from tap import ok, eq, done  # noqa: E402
from emu import Emu  # noqa: E402
from r53tool import Home, run_tool, api_log, parse_tool, TOOL  # noqa: E402

ACCT = "arn:aws:iam::123456789012:role/"
BASE, ADMIN, ENVROLE, WEB, DENIED = (ACCT + n for n in ("base", "dns-admin", "env-role",
                                                        "web", "denied"))
CREDPROC = os.path.join(ROOT, "test", "lib", "credproc.py")
WAIT = 120


def sts_log(e):
    return [x for x in e.log() if x.get("service") == "sts"]


class Driver:
    """tool_r53 --stdin: one operation at a time, each result awaited."""

    def __init__(self, cfg, env):
        self.p = subprocess.Popen([TOOL, "-c", cfg, "--stdin"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                  universal_newlines=True, bufsize=1)
        self.out = ""

    def run(self, op):
        self.p.stdin.write(op + "\n")
        self.p.stdin.flush()
        lines = []
        while True:
            line = self.p.stdout.readline()
            if not line:
                return None
            lines.append(line)
            if line.startswith("result "):
                self.out += "".join(lines)
                return parse_tool(line)[0][0]

    def close(self):
        self.p.stdin.close()
        self.p.wait(timeout=WAIT)
        return self.out + self.p.stdout.read(), self.p.stderr.read()


def profiles(e, home):
    cfg = home.config(e, name="sts.json", keys=False, sts_endpoint=e.url)
    home.write(".aws/credentials", "[keys]\naws_access_key_id = AKIDBASE\n"
               "aws_secret_access_key = BASESECRET\n")
    home.write(".aws/config",
               "[profile dns-admin]\nrole_arn = %s\nsource_profile = base-role\n"
               "external_id = ext-42\nrole_session_name = notify53-test\n\n"
               "[profile base-role]\nrole_arn = %s\nsource_profile = keys\n\n"
               "[profile env-role]\nrole_arn = %s\ncredential_source = Environment\n\n"
               "[profile denied]\nrole_arn = %s\nsource_profile = keys\n" %
               (ADMIN, BASE, ENVROLE, DENIED))

    e.reset()
    res, calls, p = run_tool(cfg, ["zones"], home.env(AWS_PROFILE="dns-admin"))
    ok(res and res[0]["status"] == "ok", "(a) AWS_PROFILE=dns-admin: Route 53 call accepted",
       p.stdout + p.stderr)
    log = sts_log(e)
    eq([(x["op"], x["role"], x["status"]) for x in log],
       [("AssumeRole", BASE, 200), ("AssumeRole", ADMIN, 200)],
       "(a) base-role assumed first, then dns-admin")
    ok(log and log[0]["access_key"] == "AKIDBASE" and log[1]["access_key"] == log[0]["issued"],
       "(a) base-role with profile keys' key, dns-admin with base-role's temporary key")
    ok(log and log[1]["external_id"] == "ext-42" and log[1]["session_name"] == "notify53-test",
       "(a) ExternalId and RoleSessionName of the profile sent")
    eq([x["access_key"] for x in api_log(e)], [log[1]["issued"]] if len(log) > 1 else ["?"],
       "(a) Route 53 signed with dns-admin's key (and its token: the emulator checks)")

    e.reset()
    cfg_env = home.config(e, name="env.json", keys=False, sts_endpoint=e.url,
                          profile="env-role")
    res, calls, p = run_tool(cfg_env, ["zones"], home.env(
        AWS_ACCESS_KEY_ID="AKIDENV", AWS_SECRET_ACCESS_KEY="ENVSECRET"))
    log = sts_log(e)
    ok(res and res[0]["status"] == "ok" and [(x["role"], x["access_key"]) for x in log] ==
       [(ENVROLE, "AKIDENV")] and [x["access_key"] for x in api_log(e)] == [log[0]["issued"]],
       "(b) credential_source Environment: the environment's keys assume env-role",
       p.stdout + p.stderr)

    e.reset()
    cfg_own = home.config(e, name="own.json", keys=False, sts_endpoint=e.url,
                          role_arn=BASE, access_key_id="AKIDBASE",
                          secret_access_key="BASESECRET", duration_seconds=900)
    res, calls, p = run_tool(cfg_own, ["zones"], home.env())
    log = sts_log(e)
    ok(res and res[0]["status"] == "ok" and [(x["role"], x["access_key"], x["duration"])
                                             for x in log] == [(BASE, "AKIDBASE", "900")],
       "(c) aws.role_arn with aws keys in notify53's config, DurationSeconds 900",
       p.stdout + p.stderr)

    e.reset()
    res, calls, p = run_tool(cfg, ["zones"], home.env(AWS_PROFILE="denied"))
    msg = res[0]["errors"][0] if res and res[0]["errors"] else p.stderr
    ok(res and res[0]["status"] == "credentials" and
       'profile "denied": AssumeRole: AccessDenied: User: arn:aws:iam::123456789012:user/'
       'AKIDBASE is not authorized to perform: sts:AssumeRole on resource: ' + DENIED in msg
       and not api_log(e), "(g) AccessDenied reported clearly, no Route 53 request: %s" % msg)
    ok("BASESECRET" not in p.stdout + p.stderr, "(g) no secret in the output")


def web_identity(e, home):
    cfg = home.config(e, name="web.json", keys=False, sts_endpoint=e.url)
    tok = home.write("token", "jwt-one\n")
    e.admin("POST", "sts/roles", {"arn": WEB, "web_identity_tokens": ["jwt-one"]})
    e.admin("POST", "sts", {"lifetime": 8})
    e.reset()
    d = Driver(cfg, home.env(AWS_WEB_IDENTITY_TOKEN_FILE=tok, AWS_ROLE_ARN=WEB,
                             AWS_ROLE_SESSION_NAME="pod-1"))
    results = [d.run("zones")]
    first = sts_log(e)
    ok([(x["op"], x["web_token"], x["signed"], x["session_name"]) for x in first] ==
       [("AssumeRoleWithWebIdentity", "jwt-one", False, "pod-1")],
       "(d) web identity: unsigned AssumeRoleWithWebIdentity with the file's token")
    # Kubernetes rotates the token: the old one is refused from now on.
    home.write("token", "jwt-two\n")
    e.admin("POST", "sts/roles", {"arn": WEB, "web_identity_tokens": ["jwt-two"]})
    end = time.monotonic() + WAIT
    while len(sts_log(e)) < 2 and time.monotonic() < end:
        results.append(d.run("zones"))
        time.sleep(0.2)
    out, err = d.close()
    log = sts_log(e)
    ok(len(log) >= 2 and all(x["status"] == 200 for x in log) and
       log[-1]["web_token"] == "jwt-two", "(d) the refresh read the rotated token file: %s"
       % [(x["web_token"], x["status"]) for x in log])
    ok(all(r and r["status"] == "ok" for r in results) and
       not [x for x in api_log(e) if x.get("code")], "(d) %d Route 53 calls, none failed"
       % len(results), out + err)
    ok("jwt-" not in out + err, "(d) the token never printed")
    e.admin("POST", "sts", {"lifetime": None})


def processes(e, home):
    state = os.path.join(home.dir, "proc")
    os.makedirs(state, exist_ok=True)
    with open(os.path.join(state, "emu.json"), "w") as f:
        json.dump({"url": e.url, "ca_file": e.ca_file, "lifetime": 8}, f)
    runs = os.path.join(state, "runs")

    def cfg(mode, **kw):
        return home.config(e, name="proc-%s.json" % mode, keys=False,
                           credential_process="/usr/bin/python3 '%s' %s %s"
                           % (CREDPROC, state, mode), **kw)

    def nruns():
        return sum(1 for _ in open(runs)) if os.path.exists(runs) else 0

    e.reset()
    d = Driver(cfg("ok"), home.env())
    results = [d.run("zones")]
    end = time.monotonic() + WAIT
    while len(set(x["access_key"] for x in api_log(e))) < 3 and time.monotonic() < end:
        results.append(d.run("zones"))
        time.sleep(0.2)
    out, err = d.close()
    keys = [x["access_key"] for x in api_log(e)]
    ok(nruns() >= 3 and len(set(keys)) >= 3, "(e) credential_process run again before "
       "expiry: %d runs, keys %s" % (nruns(), sorted(set(keys))))
    ok(all(r and r["status"] == "ok" for r in results) and
       not [x for x in api_log(e) if x.get("code")], "(e) %d Route 53 calls, no ExpiredToken "
       "or other refusal" % len(results), out + err)

    e.reset()
    res, calls, p = run_tool(cfg("hang", credential_process_timeout=2), ["zones"], home.env())
    msg = res[0]["errors"][0] if res and res[0]["errors"] else p.stderr
    ok(res and res[0]["status"] == "credentials" and "killed at its time limit (2 s)" in msg
       and not api_log(e), "(f) a hung process: killed at its limit: %s" % msg)
    ok("waiting for a hardware token forever" in p.stderr, "(f) its stderr in the log")
    pid = int(open(os.path.join(state, "hang.pid")).read())
    try:
        os.kill(pid, 0)
        gone = False
    except ProcessLookupError:
        gone = True
    ok(gone, "(f) the hung process is gone (killed and reaped)")

    for mode, want in (("garbage", "credential_process output is not a JSON object"),
                       ("fail", "exited with status 3")):
        e.reset()
        res, calls, p = run_tool(cfg(mode), ["zones"], home.env())
        msg = res[0]["errors"][0] if res and res[0]["errors"] else p.stderr
        ok(res and res[0]["status"] == "credentials" and want in msg and
           "notify53 config: credential_process" in msg and not api_log(e),
           "(f) %s: %s" % (mode, msg))
        ok("credential_process stderr: credproc:" in p.stderr, "(f) %s: its stderr logged" % mode,
           p.stderr)


def main():
    with Home() as home:
        with Emu(credentials=("AKIDBASE:BASESECRET", "AKIDENV:ENVSECRET"), rate=0) as e:
            e.admin("POST", "sts/roles", {"arn": BASE, "trust": ["AKIDBASE"]})
            e.admin("POST", "sts/roles", {"arn": ADMIN, "trust": [BASE], "external_id": "ext-42"})
            e.admin("POST", "sts/roles", {"arn": ENVROLE, "trust": ["AKIDENV"]})
            e.admin("POST", "sts/roles", {"arn": DENIED, "trust": []})
            profiles(e, home)
            web_identity(e, home)
            processes(e, home)
    done()


if __name__ == "__main__":
    main()
