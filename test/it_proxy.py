#!/usr/bin/python3
"""Egress through an HTTP proxy: `notify53 sync` from BIND 9 to the Route 53
emulator through Debian's tinyproxy, started by this test on loopback with
its own config and log.

- HTTPS_PROXY (and https_proxy, which wins, naming the proxy by host
  name): the proxy's log shows "CONNECT 127.0.0.1:PORT"; TLS runs end
  to end through the tunnel (the emulator's certificate checked against
  its CA as without a proxy); the sync converges; one tunnel carries
  several API requests (keep-alive), as the emulator's connection ids show;
- NO_PROXY matching the emulator (a CIDR range): the proxy's log stays
  unchanged, the sync still converges;
- a proxy with BasicAuth and aws.proxy in the config (which wins over
  HTTPS_PROXY): no credentials (407) and wrong ones (tinyproxy answers
  401) fail with a message naming the proxy, without the password, not
  retried, no API request, nothing deleted in Route 53; the right
  credentials, percent-encoded, converge;
- a proxy that cannot reach the endpoint answers 5xx: retried as the usual
  transient failures, then a message naming the proxy;
- plain http (an http:// test endpoint with allow_http, HTTP_PROXY): the
  absolute-form request in the proxy's log, the SigV4 signature (which
  covers Host) accepted;
- one sync through the proxy with credentials under valgrind (the binary
  built without sanitizers, $NOTIFY53_PLAIN): no error, no leak;
- STS (AssumeRole with aws.role_arn) goes through the proxy as Route 53
  does: every connection the emulator sees came through a CONNECT; wrong
  proxy credentials stop it before any STS request, the right ones give
  two tunnels; NO_PROXY sends both direct;
- instance metadata (IMDSv2) is never proxied, even with HTTP_PROXY and
  HTTPS_PROXY set: the proxy's log has no metadata request.
"""
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "test", "lib"))
from tap import ok, eq, done, skip, diag  # noqa: E402
from emu import Emu, bare  # noqa: E402
from named import Named, Zone, Key, free_port  # noqa: E402
from r53tool import Home, api_log, run_notify53  # noqa: E402
import synctest as st  # noqa: E402

TINYPROXY = "/usr/bin/tinyproxy"
PLAIN = os.environ.get("NOTIFY53_PLAIN", os.path.join(ROOT, "build", "plain", "notify53"))
UPDATE = Key("update-key", "hmac-sha256", "dXBkYXRlLWtleS1mb3ItdGhlLXByb3h5LXRlc3QtMDAwMDAwMA==")
ROLE_KEY = "ASIAROLE:ROLESECRET:ROLE/TOKEN+x="
# tinyproxy's BasicAuth takes letters, digits, "-", "." and "_" only; the URL
# percent-encodes them anyway, which notify53 must decode.
PASSWORD = "s3cr-t.x"
PASSWORD_URL = "s3cr%2Dt%2ex"

ZONE = """$ORIGIN example.com.
$TTL 300
@ IN SOA ns1.example.com. hostmaster.example.com. 100 7200 900 1209600 300
@ IN NS ns1.example.com.
ns1 IN A 192.0.2.53
www IN A 192.0.2.1
mail IN A 192.0.2.2
@ IN MX 10 mail.example.com.
txt IN TXT "through a proxy"
"""


def _die_with_parent():
    os.setpgid(0, 0)
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class Tinyproxy(object):
    """tinyproxy on 127.0.0.1, a free port, CONNECT only to connect_ports,
    optional BasicAuth; its log in its own directory."""

    def __init__(self, connect_ports, auth=None):
        self.dir = tempfile.mkdtemp(prefix="tinyproxy-test-")
        self.port = free_port()
        self.log = os.path.join(self.dir, "tinyproxy.log")
        conf = ["Listen 127.0.0.1", "Port %d" % self.port, "Allow 127.0.0.1",
                "LogLevel Connect", 'LogFile "%s"' % self.log,
                'PidFile "%s"' % os.path.join(self.dir, "pid"),
                "Timeout 60", "MaxClients 20"]
        conf += ["ConnectPort %d" % p for p in connect_ports]
        if auth:
            conf.append("BasicAuth %s %s" % auth)
        self.conf = os.path.join(self.dir, "tinyproxy.conf")
        with open(self.conf, "w") as f:
            f.write("\n".join(conf) + "\n")
        self.proc = subprocess.Popen([TINYPROXY, "-d", "-c", self.conf],
                                     stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(self.dir, "stderr"), "wb"),
                                     preexec_fn=_die_with_parent)
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), 1).close()
                break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("tinyproxy did not start: %s" % self.text())
                time.sleep(0.1)

    def url(self, userinfo=""):
        return "http://%s127.0.0.1:%d" % (userinfo + "@" if userinfo else "", self.port)

    def text(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def requests(self):
        """The request lines tinyproxy logged ("CONNECT 127.0.0.1:443 HTTP/1.1")."""
        return [line.split("): ", 1)[1] for line in self.text().splitlines()
                if "Request (file descriptor" in line and "): " in line]

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.stop()


def config(home, e, ns, name, **aws):
    """A sync config of example.com for emulator e, the "aws" keys given
    set (None removes one)."""
    cfg = st.sync_config(home, e, [{"name": "example.com", "primaries": [ns.addr()]}],
                         name=name)
    with open(cfg) as f:
        d = json.load(f)
    for k, v in aws.items():
        if v is None:
            d["aws"].pop(k, None)
        else:
            d["aws"][k] = v
    with open(cfg, "w") as f:
        json.dump(d, f)
    return cfg


def connects(proxy, port):
    return [r for r in proxy.requests() if r.startswith("CONNECT 127.0.0.1:%d " % port)]


def converged(client, zid, ns, what):
    plain, _, _, _, _ = st.listing(client, zid)
    want = st.expected(st.axfr(ns.port, "example.com"), "example.com")
    return ok(plain == want, "%s: the hosted zone equals the primary's sets" % what,
              st.diff(plain, want))


def stray(client, zid):
    client.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": [{
        "Action": "CREATE", "ResourceRecordSet": {
            "Name": "stray.example.com.", "Type": "A", "TTL": 60,
            "ResourceRecords": [{"Value": "203.0.113.9"}]}}]})


def has_stray(client, zid):
    sets = client.list_resource_record_sets(HostedZoneId=zid)["ResourceRecordSets"]
    return any(s["Name"] == "stray.example.com." for s in sets)


def tunnel_and_no_proxy(e, ns, home, client, zid):
    cfg = config(home, e, ns, "config.json")
    with Tinyproxy([e.port]) as px:
        e.reset()
        p, res = st.sync(home, cfg, env=home.env(HTTPS_PROXY=px.url()))
        ok(p.returncode == 0, "HTTPS_PROXY: sync exit 0", p.stdout + p.stderr)
        ok("through the proxy 127.0.0.1:%d (HTTPS_PROXY)" % px.port in p.stderr,
           "HTTPS_PROXY: the proxy is said", p.stderr)
        tun = connects(px, e.port)
        ok(tun, "HTTPS_PROXY: the proxy's log shows CONNECT 127.0.0.1:%d" % e.port,
           px.text())
        log = api_log(e)
        conns = set(x["conn"] for x in log)
        ok(len(log) >= 2 and len(conns) == len(tun) and len(conns) < len(log),
           "HTTPS_PROXY: %d API requests over %d tunnel(s) (keep-alive)" % (
               len(log), len(tun)), "%r %r" % (tun, [(x["op"], x["conn"]) for x in log]))
        converged(client, zid, ns, "HTTPS_PROXY")

        # The proxy by name (resolved through /etc/hosts), lower case.
        ns.nsupdate("example.com", ["update add byname.example.com. 300 A 192.0.2.78"])
        before = len(connects(px, e.port))
        p, res = st.sync(home, cfg, env=home.env(
            https_proxy="http://localhost:%d/" % px.port, HTTPS_PROXY="http://127.0.0.1:9"))
        ok(p.returncode == 0 and res.get("example.com.", {}).get("created") == 1 and
           len(connects(px, e.port)) > before and
           "through the proxy localhost:%d (https_proxy)" % px.port in p.stderr,
           "https_proxy (a host name, winning over HTTPS_PROXY): the change synced through it",
           p.stdout + p.stderr)

        ns.nsupdate("example.com", ["update add new.example.com. 300 A 192.0.2.77"])
        before = px.text()
        e.reset()
        p, res = st.sync(home, cfg, env=home.env(HTTPS_PROXY=px.url(),
                                                 NO_PROXY="localhost, 127.0.0.0/8"))
        ok(p.returncode == 0 and res.get("example.com.", {}).get("created") == 1,
           "NO_PROXY 127.0.0.0/8: sync exit 0, the new set created", p.stdout + p.stderr)
        ok(api_log(e) and px.text() == before,
           "NO_PROXY: API requests made, the proxy's log unchanged", px.text()[len(before):])
        converged(client, zid, ns, "NO_PROXY")

        # A proxy that cannot reach the endpoint: 5xx, retried as transient.
        closed = free_port()
    with Tinyproxy([e.port, closed]) as px:
        bad = config(home, e, ns, "closed.json", endpoint="https://127.0.0.1:%d" % closed)
        p, res = st.sync(home, bad, env=home.env(HTTPS_PROXY=px.url()))
        tun = connects(px, closed)
        out = p.stdout + p.stderr
        ok(p.returncode != 0 and "retries exhausted" in out and
           "proxy 127.0.0.1:%d could not pass CONNECT to 127.0.0.1:%d: HTTP 5"
           % (px.port, closed) in out,
           "a proxy answering 5xx: the error names the proxy, retries exhausted",
           p.stdout + p.stderr)
        ok(len(tun) > 1, "... and it was retried (%d CONNECTs)" % len(tun), px.text())


def basic_auth(e, ns, home, client, zid):
    # A set the primary does not have, added behind notify53's back: a
    # sync --full (a listing, not the sync record) deletes it when it
    # reaches Route 53.
    stray(client, zid)
    password = PASSWORD
    with Tinyproxy([e.port], auth=("alice", password)) as px:
        cases = [("no credentials", "", "HTTP 407", "no user and password"),
                 ("wrong credentials", "alice:wrong", "HTTP 40", "were refused")]
        for what, userinfo, status, hint in cases:
            cfg = config(home, e, ns, "auth.json", proxy=px.url(userinfo))
            e.reset()
            before = len(connects(px, e.port))
            p, res = st.sync(home, cfg, ["--full"], env=home.env())
            out = p.stdout + p.stderr
            ok(p.returncode != 0 and ("proxy 127.0.0.1:%d refused CONNECT to 127.0.0.1:%d: %s"
                                      % (px.port, e.port, status)) in out and hint in out,
               "aws.proxy, %s: a clear error naming the proxy" % what, out)
            ok("wrong" not in out and password not in out,
               "aws.proxy, %s: no password in any output" % what)
            eq(len(connects(px, e.port)) - before, 1, "aws.proxy, %s: not retried" % what)
            eq(api_log(e), [], "aws.proxy, %s: no API request reached Route 53" % what)
            ok(has_stray(client, zid), "aws.proxy, %s: nothing deleted in Route 53" % what)

        cfg = config(home, e, ns, "auth.json", proxy=px.url("alice:" + PASSWORD_URL))
        e.reset()
        p, res = st.sync(home, cfg, ["--full"], env=home.env(HTTPS_PROXY="http://127.0.0.1:9"))
        out = p.stdout + p.stderr
        ok(p.returncode == 0 and res.get("example.com.", {}).get("deleted") == 1,
           "aws.proxy with the right credentials (percent-encoded), winning over "
           "HTTPS_PROXY: sync exit 0, the stray set deleted", out)
        ok(password not in out and PASSWORD_URL not in out, "no password in any output")
        ok(api_log(e) and connects(px, e.port), "through the proxy")
        ok(not has_stray(client, zid), "the stray set is gone")
        converged(client, zid, ns, "BasicAuth")

        # The same path under valgrind, a change pending.
        ns.nsupdate("example.com", ["update add vg.example.com. 300 A 192.0.2.99"])
        if shutil.which("valgrind") and os.access(PLAIN, os.X_OK):
            v = subprocess.run(
                ["valgrind", "-q", "--error-exitcode=99", "--leak-check=full",
                 "--show-leak-kinds=definite,indirect,possible", "--errors-for-leak-kinds="
                 "definite,indirect,possible", PLAIN, "sync", "-c", cfg],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=home.env(), timeout=300,
                universal_newlines=True)
            ok(v.returncode == 0 and "==" not in v.stderr and
               st.sync_lines(v.stdout).get("example.com.", {}).get("created") == 1,
               "valgrind: a sync through the proxy with credentials, no error, no leak",
               v.stdout + v.stderr[-4000:])
        elif os.environ.get("NOTIFY53_CI") == "1":
            ok(False, "valgrind and %s are there" % PLAIN)
        else:
            skip("valgrind: a sync through the proxy", "valgrind or %s missing" % PLAIN)


def plain_http(ns, home):
    with Emu(http=True, rate=0) as e:
        plain_http_proxies(e, ns, home)


def plain_http_proxies(e, ns, home):
    with Tinyproxy([]) as px:
        client = e.boto3()
        zid = bare(e.create_zone("example.com."))
        cfg = config(home, e, ns, "http.json", allow_http=True, ca_file=None)
        p, res = st.sync(home, cfg, env=home.env(HTTP_PROXY=px.url()))
        ok(p.returncode == 0, "HTTP_PROXY, an http:// endpoint: sync exit 0",
           p.stdout + p.stderr)
        reqs = [r for r in px.requests() if r.startswith(("GET ", "POST "))]
        ok(reqs and all(r.split()[1].startswith("http://127.0.0.1:%d/2013-04-01/" % e.port)
                        for r in reqs),
           "HTTP_PROXY: absolute-form requests in the proxy's log", px.text())
        eq(len(reqs), len(api_log(e)), "HTTP_PROXY: every API request through the proxy "
           "(signatures over Host accepted)")
        converged(client, zid, ns, "HTTP_PROXY")
    with Tinyproxy([], auth=("alice", PASSWORD)) as px:
        e.reset()
        p, res = st.sync(home, cfg, env=home.env(HTTP_PROXY=px.url()))
        out = p.stdout + p.stderr
        ok(p.returncode != 0 and "proxy 127.0.0.1:%d refused the request to 127.0.0.1:%d: "
           "HTTP 407 (authentication required" % (px.port, e.port) in out,
           "HTTP_PROXY without credentials: 407, a clear error naming the proxy", out)
        ok(len([r for r in px.requests() if r.startswith("GET ")]) == 1,
           "HTTP_PROXY without credentials: not retried", px.text())
        eq(api_log(e), [], "HTTP_PROXY without credentials: nothing reached Route 53")
        p, res = st.sync(home, cfg, env=home.env(HTTP_PROXY=px.url("alice:" + PASSWORD_URL)))
        out = p.stdout + p.stderr
        ok(p.returncode == 0 and api_log(e) and PASSWORD not in out and
           PASSWORD_URL not in out, "HTTP_PROXY with credentials: Proxy-Authorization "
           "accepted, sync exit 0, no password in any output", out)


def metadata_not_proxied(ns, home):
    with Emu(credentials=("AKID:SECRET", ROLE_KEY), rate=0, args=[
            "--imds-listen", "127.0.0.1:0", "--imds", "notify53-role"]) as e, \
            Tinyproxy([e.port]) as px:
        zid = bare(e.create_zone("example.com."))
        cfg = config(home, e, ns, "imds.json", access_key_id=None, secret_access_key=None)
        env = home.env(AWS_EC2_METADATA_DISABLED=None,
                       AWS_EC2_METADATA_SERVICE_ENDPOINT="http://127.0.0.1:%d" % e.imds_port,
                       HTTPS_PROXY=px.url(), HTTP_PROXY=px.url())
        p, res = st.sync(home, cfg, env=env)
        ok(p.returncode == 0, "IMDSv2 credentials with both proxy variables set: sync exit 0",
           p.stdout + p.stderr)
        eq(len([x for x in e.log() if x.get("op") == "IMDS"]), 3,
           "IMDSv2: token, role, credentials fetched")
        ok(connects(px, e.port) and not [r for r in px.requests() if "/latest/" in r],
           "the API through the proxy, instance metadata never", px.text())
        ok(set(x.get("access_key") for x in api_log(e)) == {"ASIAROLE"},
           "signed with the role's key")
        converged(e.boto3(), zid, ns, "IMDSv2")


def sts_through_proxy(ns, home):
    """A role assumed through the proxy: STS is an AWS API, proxied as Route
    53 is (every connection the emulator saw came through a CONNECT)."""
    role = "arn:aws:iam::123456789012:role/dns-sync"
    with Emu(credentials=("AKIDBASE:BASESECRET",), rate=0) as e, Tinyproxy([e.port]) as px:
        e.admin("POST", "sts/roles", {"arn": role, "trust": ["AKIDBASE"]})
        zid = bare(e.create_zone("example.com."))
        cfg = config(home, e, ns, "sts.json", role_arn=role, sts_endpoint=e.url,
                     access_key_id="AKIDBASE", secret_access_key="BASESECRET")
        p, res = st.sync(home, cfg, env=home.env(HTTPS_PROXY=px.url()))
        ok(p.returncode == 0, "a role through the proxy: sync exit 0", p.stdout + p.stderr)
        sts = [x for x in e.log() if x.get("service") == "sts"]
        ok([(x["op"], x["status"]) for x in sts] == [("AssumeRole", 200)] and
           set(x.get("access_key") for x in api_log(e)) == {sts[0]["issued"]},
           "AssumeRole, then Route 53 with the role's key", repr(sts))
        conns = set(x["conn"] for x in e.log() if x.get("conn") is not None)
        ok(len(conns) >= 2 and len(connects(px, e.port)) == len(conns),
           "STS and Route 53 each through a CONNECT (%d tunnels, %d connections)"
           % (len(connects(px, e.port)), len(conns)), px.text())
        converged(e.boto3(), zid, ns, "a role through the proxy")


ROLE = "arn:aws:iam::123456789012:role/base"


def sts_auth_and_no_proxy(ns, home):
    """AssumeRole through a proxy with BasicAuth: refused, then accepted;
    NO_PROXY sends STS direct too."""
    with Emu(credentials=("AKIDBASE:BASESECRET",), rate=0) as e, \
            Tinyproxy([e.port], auth=("alice", PASSWORD)) as px:
        e.admin("POST", "sts/roles", {"arn": ROLE, "trust": ["AKIDBASE"]})
        zid = bare(e.create_zone("example.com."))
        sts_keys = dict(role_arn=ROLE, sts_endpoint=e.url)
        cfg = config(home, e, ns, "sts.json", proxy=px.url("alice:wrong"), **sts_keys)
        p, res = st.sync(home, cfg)
        out = p.stdout + p.stderr
        ok(p.returncode != 0 and "AssumeRole" in out and
           "proxy 127.0.0.1:%d refused CONNECT to 127.0.0.1:%d: HTTP 40" % (px.port, e.port)
           in out, "STS through a proxy refusing its credentials: a clear error", out)
        ok(not [x for x in e.log() if x.get("service") == "sts"] and not api_log(e),
           "... no AssumeRole and no Route 53 request reached the emulator")

        cfg = config(home, e, ns, "sts.json", proxy=px.url("alice:" + PASSWORD_URL), **sts_keys)
        e.reset()
        before = len(connects(px, e.port))
        p, res = st.sync(home, cfg)
        assumed = [x for x in e.log() if x.get("service") == "sts"]
        ok(p.returncode == 0 and len(assumed) == 1 and
           set(x.get("access_key") for x in api_log(e)) == {assumed[0].get("issued")},
           "STS through the proxy: AssumeRole, Route 53 signed with the role's key",
           p.stdout + p.stderr)
        ok(len(connects(px, e.port)) - before >= 2,
           "... two tunnels: Route 53's and STS's", px.text())
        converged(e.boto3(), zid, ns, "STS through the proxy")

        ns.nsupdate("example.com", ["update add sts.example.com. 300 A 192.0.2.88"])
        cfg = config(home, e, ns, "sts.json", **sts_keys)
        e.reset()
        text = px.text()
        p, res = st.sync(home, cfg, env=home.env(HTTPS_PROXY=px.url("alice:wrong"),
                                                 NO_PROXY="127.0.0.1"))
        ok(p.returncode == 0 and len([x for x in e.log() if x.get("service") == "sts"]) == 1
           and px.text() == text, "STS and Route 53 with NO_PROXY 127.0.0.1: direct, "
           "the proxy's log unchanged", p.stdout + p.stderr)


def check_config(e, ns, home):
    cfg = config(home, e, ns, "check.json")
    p = run_notify53(["check-config", "-c", cfg], home.env(
        https_proxy="http://u:s3cret@10.0.0.8:3128", HTTPS_PROXY="http://10.9.9.9:1",
        NO_PROXY=".corp.example, 10.0.0.0/8"))
    ok(p.returncode == 0 and "proxy: https via 10.0.0.8:3128 (https_proxy), http direct; "
       "NO_PROXY .corp.example, 10.0.0.0/8" in p.stdout and "s3cret" not in p.stdout + p.stderr,
       "check-config: the proxy per endpoint kind, https_proxy over HTTPS_PROXY, "
       "no password", p.stdout + p.stderr)
    e.reset()
    p = run_notify53(["sync", "-c", cfg], home.env(HTTPS_PROXY="http://u:s3cret@10.0.0.8:x"))
    ok(p.returncode != 0 and "HTTPS_PROXY: proxy endpoint http://10.0.0.8:x: bad port" in
       p.stderr and "s3cret" not in p.stdout + p.stderr and not api_log(e),
       "a bad HTTPS_PROXY: refused at start, named, no password, no request", p.stderr)


def main():
    if not os.access(TINYPROXY, os.X_OK):
        if os.environ.get("NOTIFY53_CI") == "1":
            ok(False, "tinyproxy is installed (tools/deps.sh)")
        else:
            skip("sync through a proxy", "no %s (tools/deps.sh installs it)" % TINYPROXY)
        done()
    zone = Zone("example.com", ZONE, dynamic=True, update_key=UPDATE)
    with Named([zone], keys=[UPDATE]) as ns, Home() as home:
        with Emu(rate=0) as e:
            client = e.boto3()
            zid = bare(e.create_zone("example.com."))
            check_config(e, ns, home)
            tunnel_and_no_proxy(e, ns, home, client, zid)
            basic_auth(e, ns, home, client, zid)
        plain_http(ns, home)
        metadata_not_proxied(ns, home)
        sts_through_proxy(ns, home)
        sts_auth_and_no_proxy(ns, home)
    diag("tinyproxy %s" % subprocess.run([TINYPROXY, "-v"], stdout=subprocess.PIPE,
                                         universal_newlines=True).stdout.strip())
    done()


if __name__ == "__main__":
    main()
