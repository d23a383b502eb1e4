#!/usr/bin/python3
"""The credential chain against the emulator over TLS, one source at a time
(each request's key checked in the emulator's log, every signature
verified by botocore): notify53's config, the environment (with a session
token), the shared credentials file with AWS_PROFILE and with aws.profile,
the AWS config file's [profile x], ECS container credentials (full URI
with an Authorization token file) and EC2 IMDSv2 (token, role,
credentials), both served by the emulator on its plain-HTTP loopback
listener. After ExpiredToken the keys are fetched again and the request
repeated once. Tests never reach a link-local address: the metadata
endpoints are set to the emulator, or metadata is disabled.

A plain http:// endpoint (config or AWS_ENDPOINT_URL_ROUTE_53) would carry
the key ID, the signed requests and any session token in clear: refused
with a message and no request, unless the config says "allow_http": true
(meant for tests), and then warned about.
"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "test", "lib"))
from tap import ok, eq, done  # noqa: E402
from emu import Emu  # noqa: E402
from r53tool import Home, run_tool, run_notify53, api_log, parse_tool, TOOL  # noqa: E402

KEYS = ("AKIDPLAIN:PLAINSECRET", "AKIDFILE:FILESECRET", "AKIDCFG:CFGSECRET",
        "ASIAENV:ENVSECRET:ENVTOKEN", "ASIAROLE:ROLESECRET:ROLE/TOKEN+x=")


def used_keys(e):
    return [x.get("access_key") for x in api_log(e)]


def static_sources(e, home):
    nokeys = home.config(e, name="nokeys.json", keys=False)
    home.write(".aws/credentials", "[default]\naws_access_key_id = AKIDFILE\n"
               "aws_secret_access_key = FILESECRET\n\n[prod]\naws_access_key_id = AKIDPLAIN\n"
               "aws_secret_access_key = PLAINSECRET\n")
    home.write(".aws/config", "[default]\nregion = us-east-1\n\n[profile dev]\n"
               "aws_access_key_id = AKIDCFG\naws_secret_access_key = CFGSECRET\n")
    cases = [
        ("notify53 config", home.config(e, name="keys.json"), {}, "AKIDPLAIN"),
        ("environment with a session token", nokeys,
         {"AWS_ACCESS_KEY_ID": "ASIAENV", "AWS_SECRET_ACCESS_KEY": "ENVSECRET",
          "AWS_SESSION_TOKEN": "ENVTOKEN"}, "ASIAENV"),
        ("shared credentials file [default]", nokeys, {}, "AKIDFILE"),
        ("shared credentials file, AWS_PROFILE=prod", nokeys, {"AWS_PROFILE": "prod"},
         "AKIDPLAIN"),
        ("shared credentials file, aws.profile", home.config(
            e, name="profile.json", keys=False, profile="prod"), {}, "AKIDPLAIN"),
        ("config file [profile dev]", nokeys, {"AWS_PROFILE": "dev"}, "AKIDCFG"),
    ]
    for what, cfg, env, key in cases:
        e.reset()
        res, calls, p = run_tool(cfg, ["zones"], home.env(**env))
        ok(res and res[0]["status"] == "ok", "%s: accepted" % what, p.stdout + p.stderr)
        eq(used_keys(e), [key], "%s: signed with %s" % (what, key))

    e.reset()
    res, calls, p = run_tool(nokeys, ["zones"], home.env(AWS_PROFILE="ghost"))
    ok(p.returncode == 2 and "AWS profile ghost not found" in p.stderr and not api_log(e),
       "a missing profile: refused at start: %s" % p.stderr.strip())
    os.chmod(home.path(".aws/credentials"), 0o644)
    d = run_notify53(["r53", "zones", "-c", nokeys], home.env())
    ok(d.returncode == 0 and "readable by group or others" in d.stderr and
       d.stderr.count("readable by group") == 1, "a group-readable credentials file: "
       "one warning: %s" % d.stderr.strip())
    for n in (".aws/credentials", ".aws/config"):
        os.remove(home.path(n))
    e.reset()
    d = run_notify53(["r53", "zones", "-c", nokeys], home.env())
    ok(d.returncode == 1 and "no AWS credentials" in d.stderr and not api_log(e),
       "nothing anywhere, metadata disabled: a clear error, no request: %s"
       % d.stderr.strip())


def dynamic_sources(e, home):
    nokeys = home.config(e, name="nokeys.json", keys=False)
    meta = "http://127.0.0.1:%d" % e.imds_port

    e.reset()
    env = home.env(AWS_EC2_METADATA_DISABLED=None, AWS_EC2_METADATA_SERVICE_ENDPOINT=meta)
    res, calls, p = run_tool(nokeys, ["zones", "zones"], env)
    ok(len(res) == 2 and all(r["status"] == "ok" for r in res), "IMDSv2: accepted",
       p.stdout + p.stderr)
    eq(used_keys(e), ["ASIAROLE", "ASIAROLE"], "IMDSv2: the role's key, fetched once")
    imds = [(x["method"], x["path"], x["status"]) for x in e.log() if x.get("op") == "IMDS"]
    eq(imds, [("PUT", "/latest/api/token", 200),
              ("GET", "/latest/meta-data/iam/security-credentials/", 200),
              ("GET", "/latest/meta-data/iam/security-credentials/notify53-role", 200)],
       "IMDSv2: token PUT, role, credentials")

    e.reset()
    tok = home.write("ecs-token", "Bearer ecs-agent-token\n")
    env = home.env(AWS_CONTAINER_CREDENTIALS_FULL_URI=meta + "/v2/credentials/abc",
                   AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=tok)
    res, calls, p = run_tool(nokeys, ["zones"], env)
    ok(res and res[0]["status"] == "ok", "ECS container credentials: accepted",
       p.stdout + p.stderr)
    eq(used_keys(e), ["ASIAROLE"], "ECS: the role's key")
    eq([(x["method"], x["status"]) for x in e.log() if x.get("op") == "ECS"], [("GET", 200)],
       "ECS: one GET with the right Authorization")
    e.reset()
    env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = home.write("bad-token", "Bearer nope\n")
    res, calls, p = run_tool(nokeys, ["zones"], env)
    ok(res and res[0]["status"] == "credentials" and "HTTP 403" in res[0]["errors"][0] and
       "nope" not in p.stdout + p.stderr and not api_log(e),
       "ECS refuses the token: credentials error, no API request: %s"
       % (res[0]["errors"] if res else p.stderr))

    # ExpiredToken: the role's key expires; IMDS now hands out another.
    e.reset()
    env = home.env(AWS_EC2_METADATA_DISABLED=None, AWS_EC2_METADATA_SERVICE_ENDPOINT=meta)
    p = subprocess.Popen([TOOL, "-c", nokeys, "zones", "sleep:1500", "zones"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                         universal_newlines=True)
    try:
        first = p.stdout.readline()
        e.admin("DELETE", "credentials", {"access_key_id": "ASIAROLE"})
        e.add_credentials("ASIANEW", "NEWSECRET", "NEW/TOKEN")
        e.add_credentials("ASIAROLE", "ROLESECRET", "ROLE/TOKEN+x=", expired=True)
        out, err = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
    res, calls = parse_tool(first + out)
    ok(len(res) == 2 and all(r["status"] == "ok" for r in res),
       "after ExpiredToken: new keys, the call succeeds", first + out + err)
    log = api_log(e)
    eq([(x.get("access_key"), x.get("code")) for x in log if x.get("code") is None],
       [("ASIAROLE", None), ("ASIANEW", None)], "the log: the role's key, then the new key")
    eq([x.get("code") for x in log], [None, "ExpiredToken", None],
       "one request refused with ExpiredToken in between")
    eq(sum(1 for x in e.log() if x.get("op") == "IMDS"), 6, "IMDS asked twice (3 requests each)")
    ok("ROLESECRET" not in out + err and "NEWSECRET" not in out + err and
       "TOKEN" not in out + err, "no secret or token in any output")


def plain_http(home):
    with Emu(credentials=KEYS, http=True, rate=0) as e:
        d = run_notify53(["r53", "zones", "-c", home.config(e, name="http.json")], home.env())
        ok(d.returncode == 1 and "plain HTTP" in d.stderr and '"allow_http": true' in d.stderr
           and not api_log(e), "an http:// endpoint is refused, no request sent: %s"
           % d.stderr.strip())
        d = run_notify53(["r53", "zones", "-c", home.config(e, name="noend.json", endpoint=None)],
                         home.env(AWS_ENDPOINT_URL_ROUTE_53=e.url))
        ok(d.returncode == 1 and "plain HTTP" in d.stderr and not api_log(e),
           "... named by AWS_ENDPOINT_URL_ROUTE_53 too: %s" % d.stderr.strip())
        d = run_notify53(["r53", "zones", "-c", home.config(e, name="allow.json", allow_http=True)],
                         home.env())
        ok(d.returncode == 0 and "warning" in d.stderr and "plain HTTP" in d.stderr and
           api_log(e), "with \"allow_http\": true: used, with a warning: %s" % d.stderr.strip())


def main():
    with Home() as home:
        plain_http(home)
        with Emu(credentials=KEYS, rate=0) as e:
            static_sources(e, home)
        # IMDS and ECS hand out the first key with a token.
        with Emu(credentials=(KEYS[0], KEYS[4]), rate=0, args=[
                "--imds-listen", "127.0.0.1:0", "--imds", "notify53-role",
                "--ecs-path", "/v2/credentials/abc",
                "--ecs-auth", "Bearer ecs-agent-token"]) as e:
            dynamic_sources(e, home)
    done()


if __name__ == "__main__":
    main()
