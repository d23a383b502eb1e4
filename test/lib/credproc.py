#!/usr/bin/python3
"""A credential_process for test/it_r53_sts.py (not a test).

    credproc.py STATE_DIR MODE

STATE_DIR holds emu.json ({"url", "ca_file", "lifetime"}) written by the
test; every run appends a line to STATE_DIR/runs. MODE:
  ok       registers a fresh key pair with a session token at the emulator
           (admin endpoint), expiring after "lifetime" seconds (none when
           0), and prints it as Version 1 JSON
  hang     writes its pid to STATE_DIR/hang.pid, prints a line to stderr
           and never ends
  garbage  prints text that is not JSON, and a line on stderr
  fail     prints a line on stderr and exits with status 3
"""
import base64
import json
import os
import ssl
import sys
import time
import urllib.request


def main():
    state, mode = sys.argv[1], sys.argv[2]
    with open(os.path.join(state, "runs"), "a") as f:
        f.write("%s %d\n" % (mode, os.getpid()))
    if mode == "hang":
        with open(os.path.join(state, "hang.pid"), "w") as f:
            f.write(str(os.getpid()))
        sys.stderr.write("credproc: waiting for a hardware token forever\n")
        sys.stderr.flush()
        while True:
            time.sleep(3600)
    if mode == "garbage":
        sys.stderr.write("credproc: about to print garbage\n")
        print("hello, this is not JSON")
        return 0
    if mode == "fail":
        sys.stderr.write("credproc: the signing helper has no certificate\n")
        return 3
    with open(os.path.join(state, "emu.json")) as f:
        emu = json.load(f)
    akid = "ASIAPROC%08d" % (sum(1 for _ in open(os.path.join(state, "runs"))))
    secret = base64.b64encode(os.urandom(30)).decode()
    token = base64.b64encode(os.urandom(60)).decode()
    life = emu["lifetime"]
    spec = {"access_key_id": akid, "secret_access_key": secret, "session_token": token}
    out = {"Version": 1, "AccessKeyId": akid, "SecretAccessKey": secret, "SessionToken": token}
    if life:
        exp = int(time.time()) + life
        spec["expires"] = exp
        out["Expiration"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(exp))
    ctx = ssl.create_default_context(cafile=emu["ca_file"])
    req = urllib.request.Request(emu["url"] + "/_emu/credentials", method="POST",
                                 data=json.dumps(spec).encode(),
                                 headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req, context=ctx, timeout=30).read()
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
